// `pnpm run prebuild` of a native package (its cwd): the N-API prebuilds that its tarball ships,
//   prebuilds/linux-x64/node.napi.glibc.node     built with the machine's g++
//   prebuilds/linux-arm64/node.napi.glibc.node   cross-built with Debian's crossbuild-essential-arm64
// Both load on glibc >= 2.28 and GCC 8's libstdc++ (see glibc-2.28.h), which check-symbols.mjs
// proves before this script exits. Each target builds in its own copy under .prebuild/<arch>/, so
// the package's build/Release (what tests load) is never touched while tests may be running.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { arch } from 'node:os';
import { join } from 'node:path';
import { checkPrebuilds } from './check-symbols.mjs';
import { TARGETS } from './targets.mjs';

const packageDir = process.cwd();
const { name } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
const shim = new URL('./glibc-2.28.h', import.meta.url).pathname;
const nodeGyp = join(new URL('../..', import.meta.url).pathname, 'node_modules/node-gyp/bin/node-gyp.js');
const binding = readFileSync(join(packageDir, 'binding.gyp'), 'utf8');

rmSync(join(packageDir, 'prebuilds'), { recursive: true, force: true });
for (const target of TARGETS) {
  const cross = target.arch !== arch();
  const toolchain = cross ? `${target.triplet}-` : '';
  if (cross && !onPath(`${toolchain}g++`)) {
    throw new Error(
      `${name}: no ${toolchain}g++ for the ${target.arch} prebuild; ./dev setup installs crossbuild-essential-${target.arch}`,
    );
  }
  const work = join(packageDir, '.prebuild', target.arch);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  for (const entry of ['binding.gyp', 'package.json', 'native'])
    cpSync(join(packageDir, entry), join(work, entry), { recursive: true });

  const gypArgs = ['rebuild', `--arch=${target.arch}`, '--loglevel=warn'];
  // uring's binding.gyp links the liburing.a it finds first (the host's): point it at the target's.
  if (binding.includes('liburing_libs')) gypArgs.push('--', `-Dliburing_libs=/usr/lib/${target.triplet}/liburing.a`);
  execFileSync(process.execPath, [nodeGyp, ...gypArgs], {
    cwd: work,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      CI: 'true', // -Werror: the shim must not add warnings
      CC: `${toolchain}gcc`,
      CXX: `${toolchain}g++`,
      LINK: `${toolchain}g++`,
      AR: `${toolchain}ar`,
      CXXFLAGS: `-include ${shim} -D__throw_bad_array_new_length=__throw_bad_alloc`,
    },
  });
  const built = execFileSync('find', ['build/Release', '-maxdepth', '1', '-name', '*.node'], {
    cwd: work,
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .filter(Boolean);
  if (built.length !== 1)
    throw new Error(`${name}: expected one .node in build/Release for ${target.arch}, found ${built.length}`);
  const out = join(packageDir, 'prebuilds', `linux-${target.arch}`);
  mkdirSync(out, { recursive: true });
  execFileSync(`${toolchain}strip`, [
    '--strip-unneeded',
    '-o',
    join(out, 'node.napi.glibc.node'),
    join(work, built[0]),
  ]);
  rmSync(work, { recursive: true, force: true });
}
rmSync(join(packageDir, '.prebuild'), { recursive: true, force: true });

const problems = checkPrebuilds(packageDir);
if (problems.length > 0) {
  for (const problem of problems) console.error(problem);
  process.exit(1);
}
console.log(`${name}: prebuilds for ${TARGETS.map((t) => `linux-${t.arch}`).join(', ')} (glibc >= 2.28)`);

function onPath(command) {
  return (process.env.PATH ?? '').split(':').some((dir) => dir !== '' && existsSync(join(dir, command)));
}
