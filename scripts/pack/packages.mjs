// What a publishable package is and what its tarball must hold, in one place for prepack,
// `./dev pack` and the install test. A publishable package is any packages/* whose package.json
// is not private; it is native when it has a binding.gyp.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkPrebuilds } from '../prebuild/check-symbols.mjs';
import { TARGETS } from '../prebuild/targets.mjs';

export const root = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
export const releaseDir = join(root, 'release');

/** Every publishable package: `{ dir, manifest, native }`, in folder order. */
export function publishablePackages() {
  return readdirSync(join(root, 'packages'))
    .map((name) => join(root, 'packages', name))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({
      dir,
      manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')),
      native: existsSync(join(dir, 'binding.gyp')),
    }))
    .filter(({ manifest }) => manifest.private !== true);
}

/** The names of the private workspace packages (bundled into dist/, never a dependency of a tarball). */
export function privatePackageNames() {
  return ['internal', 'apps', 'packages']
    .flatMap((group) =>
      existsSync(join(root, group)) ? readdirSync(join(root, group)).map((p) => join(root, group, p)) : [],
    )
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')))
    .filter((manifest) => manifest.private === true)
    .map((manifest) => manifest.name);
}

/** `@corelane/spsc` 0.1.0 → `corelane-spsc-0.1.0.tgz`, the name `pnpm pack` gives it. */
export function tarballName(manifest) {
  return `${manifest.name.replace(/^@/, '').replace('/', '-')}-${manifest.version}.tgz`;
}

/** Every file the manifest points at (main, module, types, each `exports` target). */
function entryFiles(manifest) {
  const files = new Set(['main', 'module', 'types'].map((k) => manifest[k]).filter(Boolean));
  const walk = (node) => {
    if (typeof node === 'string') files.add(node);
    else if (node && typeof node === 'object') for (const value of Object.values(node)) walk(value);
  };
  walk(manifest.exports);
  return [...files].filter((f) => !f.includes('*')).map((f) => f.replace(/^\.\//, ''));
}

/** What `prepack` needs before it lets a package be packed: built entry files, types, prebuilds. */
export function checkPackageDir({ dir, manifest, native }) {
  const problems = entryFiles(manifest)
    .filter((file) => !existsSync(join(dir, file)))
    .map((file) => `${file} is missing (build first)`);
  if (
    !entryFiles(manifest).some((f) => f.endsWith('.d.ts')) ||
    !entryFiles(manifest).some((f) => f.endsWith('.d.cts'))
  ) {
    problems.push('the exports map names no .d.ts and .d.cts types');
  }
  if (native) problems.push(...checkPrebuilds(dir));
  return problems;
}

/** What is wrong with a packed tarball, as sentences; empty when a user can install and use it. */
export function checkTarball(file) {
  const name = file.split('/').at(-1);
  const entries = new Set(
    execFileSync('tar', ['-tzf', file], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((e) => e.replace(/^package\//, '')),
  );
  const manifest = JSON.parse(execFileSync('tar', ['-xOzf', file, 'package/package.json'], { encoding: 'utf8' }));
  const problems = [];
  for (const entry of entryFiles(manifest)) if (!entries.has(entry)) problems.push(`${name}: lacks ${entry}`);
  if (![...entries].some((e) => e.startsWith('dist/') && e.endsWith('.d.ts')))
    problems.push(`${name}: lacks dist/*.d.ts types`);
  if (![...entries].some((e) => e.startsWith('dist/') && e.endsWith('.d.cts')))
    problems.push(`${name}: lacks dist/*.d.cts types`);
  if (!entries.has('README.md') || !entries.has('LICENSE')) problems.push(`${name}: lacks README.md or LICENSE`);
  // On the npm page a relative link leads nowhere: every link must be absolute (or an anchor).
  const readme = entries.has('README.md')
    ? execFileSync('tar', ['-xOzf', file, 'package/README.md'], { encoding: 'utf8' })
    : '';
  for (const [, target] of readme.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (!/^(https?:|mailto:|#)/.test(target))
      problems.push(`${name}: README.md links to ${target}, dead on the npm page`);
  }
  if (manifest.gypfile === true) {
    for (const target of TARGETS) {
      if (![...entries].some((e) => e.startsWith(`prebuilds/linux-${target.arch}/`) && e.endsWith('.node'))) {
        problems.push(`${name}: lacks a prebuild for linux-${target.arch}`);
      }
    }
    for (const entry of ['dist/install.cjs', 'binding.gyp'])
      if (!entries.has(entry)) problems.push(`${name}: lacks ${entry}`);
    if (manifest.scripts?.install !== 'node dist/install.cjs')
      problems.push(`${name}: its install script is not dist/install.cjs`);
  }
  const privates = new Set(privatePackageNames());
  for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
      if (privates.has(dep)) problems.push(`${name}: ${field} names the private ${dep}`);
      if (String(range).startsWith('workspace:')) problems.push(`${name}: ${field}.${dep} is still ${range}`);
    }
  }
  if (manifest.devDependencies) problems.push(`${name}: still has devDependencies`);
  for (const field of ['repository', 'homepage', 'bugs', 'license', 'files', 'sideEffects', 'publishConfig']) {
    if (manifest[field] === undefined) problems.push(`${name}: package.json has no ${field}`);
  }
  return problems;
}
