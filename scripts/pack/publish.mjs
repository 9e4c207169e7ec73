// The changesets publish step: after `changeset version` and `./dev pack`, publishes each release/
// tarball whose version the registry does not have yet, then tags the release (`changeset tag`).
// Publishing the checked tarballs, not the package folders, is what makes the install test the
// test of what users get. Usage: node scripts/pack/publish.mjs [--dry-run]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { checkTarball, publishablePackages, releaseDir, root, tarballName } from './packages.mjs';

const dryRun = process.argv.includes('--dry-run');
let published = 0;
for (const { manifest } of publishablePackages()) {
  const file = join(releaseDir, tarballName(manifest));
  if (!existsSync(file)) throw new Error(`${file} is missing: run ./dev pack first`);
  const problems = checkTarball(file);
  if (problems.length > 0) throw new Error(problems.join('\n'));
  const seen = spawnSync('npm', ['view', `${manifest.name}@${manifest.version}`, 'version'], { encoding: 'utf8' });
  if (seen.status === 0 && seen.stdout.trim() === manifest.version) {
    console.log(`${manifest.name}@${manifest.version} is already published`);
    continue;
  }
  const args = ['publish', file, '--access', 'public', ...(dryRun ? ['--dry-run'] : [])];
  execFileSync('npm', args, { cwd: root, stdio: 'inherit' });
  published++;
}
if (published > 0 && !dryRun) execFileSync('pnpm', ['changeset', 'tag'], { cwd: root, stdio: 'inherit' });
console.log(`${published} package(s) ${dryRun ? 'would be ' : ''}published from release/`);
