// Adds up the JSON reports that every package's vitest run leaves in <package>/.vitest/ and
// prints one closing line, "Tests: N passed, N failed, N skipped". A package that has a test
// script but left no report counts as a failure: its tests did not run. So does a missing report
// of the install test (scripts/test, `pnpm run test:pack`), which `pnpm ci` runs after packing.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const folders = ['packages', 'internal', 'apps']
  .flatMap((group) => (existsSync(join(root, group)) ? readdirSync(join(root, group)).map((p) => join(group, p)) : []))
  .concat(existsSync(join(root, 'docs/package.json')) ? ['docs'] : []);

let passed = 0;
let failed = 0;
let skipped = 0;
for (const folder of [...folders, 'scripts/test']) {
  const manifest = join(root, folder, 'package.json');
  const hasTests =
    folder === 'scripts/test' || (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).scripts?.test);
  if (!hasTests) continue;
  const report = join(root, folder, '.vitest/results.json');
  if (!existsSync(report)) {
    console.log(`${folder}: no test report (its tests did not run)`);
    failed++;
    continue;
  }
  const r = JSON.parse(readFileSync(report, 'utf8'));
  const skip = r.numPendingTests + r.numTodoTests;
  console.log(`${folder}: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skip} skipped`);
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += skip;
}
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
