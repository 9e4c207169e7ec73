// Every publishable package's `prepack` (cwd: the package): refuses to pack what a user could not
// use — no dist/ entry files or types, or (native packages) no prebuild for each target or one
// that would not load on glibc 2.28 — and puts the install script into dist/.
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkPackageDir } from './packages.mjs';

const dir = process.cwd();
const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
const native = manifest.gypfile === true;
const problems = checkPackageDir({ dir, manifest, native });
if (problems.length > 0) {
  console.error(`${manifest.name}: refusing to pack: ${problems.join('; ')}. Run ./dev pack, which builds them first.`);
  process.exit(1);
}
if (native) copyFileSync(new URL('./install.cjs', import.meta.url), join(dir, 'dist/install.cjs'));
