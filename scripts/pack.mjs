// `./dev pack`: builds dist/ and the prebuilds of every publishable package (any packages/* not
// marked private), packs each into release/<scope>-<name>-<version>.tgz with the manifest a user
// should get (scripts/pack/pnpmfile.cjs), and checks every tarball. The changesets publish step
// publishes these files. Usage: node scripts/pack.mjs [--no-build]   (--no-build: CI built them)
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkTarball, publishablePackages, releaseDir, root, tarballName } from './pack/packages.mjs';

const packages = publishablePackages();
if (!process.argv.includes('--no-build')) {
  const filters = packages.flatMap(({ manifest }) => [`--filter=${manifest.name}`]);
  execFileSync('pnpm', ['turbo', 'run', 'build', 'prebuild', ...filters, '--output-logs=errors-only'], {
    cwd: root,
    stdio: 'inherit',
  });
}

rmSync(releaseDir, { recursive: true, force: true });
mkdirSync(releaseDir, { recursive: true });
const hooks = join(root, 'scripts/pack/pnpmfile.cjs');
const problems = [];
for (const { dir, manifest } of packages) {
  execFileSync('pnpm', [`--config.pnpmfile=${hooks}`, 'pack', '--pack-destination', releaseDir], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const file = join(releaseDir, tarballName(manifest));
  problems.push(...checkTarball(file));
  console.log(`release/${tarballName(manifest)}  ${(statSync(file).size / 1024).toFixed(0)} KiB`);
}
if (problems.length > 0) {
  for (const problem of problems) console.error(problem);
  process.exit(1);
}
console.log(
  `${packages.length} tarballs in release/, each with dist/, types and (native) linux-x64 + linux-arm64 prebuilds`,
);
