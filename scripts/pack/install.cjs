// The install script of a published corelane package that has an addon: prepack copies this file
// to dist/install.cjs and the packed package.json runs `node dist/install.cjs` (in the repository
// the install script stays `node-gyp-build`, which compiles). In order:
//   1. a prebuild in prebuilds/ that loads here: done, nothing is compiled;
//   2. a C++ toolchain on PATH (python3, make, a C++ compiler): node-gyp builds the addon;
//   3. neither, or the build failed: where package.json says `"corelane": { "addon": "optional" }`
//      the install succeeds without the addon (capabilities() says what is off and why); any
//      other package fails with one sentence instead of node-gyp's log of a missing compiler.
// biome-ignore-all lint/suspicious/noUndeclaredEnvVars: npm sets these for install scripts; turbo never runs this file
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const manifest = require(path.join(root, 'package.json'));
const optional = manifest.corelane?.addon === 'optional';
const here = `${process.platform}-${process.env.npm_config_arch || process.arch}`;
const shipped = existsSync(path.join(root, 'prebuilds')) ? readdirSync(path.join(root, 'prebuilds')) : [];

function loadPrebuild() {
  if (process.env.npm_config_build_from_source === 'true') return 'a build from source was asked for';
  try {
    require('node-gyp-build')(root);
    return null;
  } catch (error) {
    return String(error?.message ?? error).split('\n')[0];
  }
}

function onPath(command) {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .some((dir) => dir !== '' && existsSync(path.join(dir, command)));
}

function toolchainMissing() {
  if (process.platform === 'win32') return []; // node-gyp finds Visual Studio itself
  const missing = [];
  if (!onPath('python3') && !onPath('python')) missing.push('python3');
  if (!onPath('make')) missing.push('make');
  if (!process.env.CXX && !onPath('c++') && !onPath('g++') && !onPath('clang++')) missing.push('a C++ compiler (g++)');
  return missing;
}

function build() {
  const gyp = process.env.npm_config_node_gyp;
  const command = gyp ? process.execPath : 'node-gyp';
  const args = gyp ? [gyp, 'rebuild'] : ['rebuild'];
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: !gyp && process.platform === 'win32' });
  return result.status === 0;
}

const notLoaded = loadPrebuild();
if (notLoaded === null) process.exit(0);

const prebuilt = shipped.includes(here)
  ? `its prebuilt addon for ${here} does not load (${notLoaded})`
  : `no prebuilt addon matches ${here} (prebuilt: ${shipped.join(', ') || 'none'})`;
const missing = toolchainMissing();
if (missing.length === 0 && build()) process.exit(0);

const list = missing.length > 1 ? `${missing.slice(0, -1).join(', ')} and ${missing.at(-1)}` : missing[0];
const why =
  missing.length > 0
    ? `${prebuilt} and ${list}, needed to build one, ${missing.length > 1 ? 'are' : 'is'} missing`
    : `${prebuilt} and building one failed (node-gyp's log is above)`;
if (optional) {
  console.warn(`${manifest.name}: installed without its native addon: ${why}; capabilities() says what is off.`);
  process.exit(0);
}
console.error(`${manifest.name} cannot work on this machine: ${why}.`);
process.exit(1);
