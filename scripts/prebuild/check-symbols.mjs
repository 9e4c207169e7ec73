// Proves that every prebuild loads on the oldest system targets.mjs names: its ELF machine matches
// its folder, it needs no shared library beyond the C/C++ runtimes, and no symbol version it
// requires (readelf's .gnu.version_r) is newer than NEWEST. Usage:
//   node scripts/prebuild/check-symbols.mjs [packageDir…]   (default: every package with prebuilds)
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ALLOWED_NEEDED, NEWEST, TARGETS } from './targets.mjs';

const root = new URL('../..', import.meta.url).pathname;

/** Compares dotted versions: negative, zero or positive like a sort comparator. */
function compareVersions(a, b) {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** What is wrong with one prebuild, as sentences; empty when it loads on the oldest target. */
export function checkBinary(file, target) {
  const problems = [];
  const where = relative(root, file);
  const header = execFileSync('readelf', ['-h', '-W', file], { encoding: 'utf8' });
  const machine = /Machine:\s+(.*)/.exec(header)?.[1].trim();
  if (machine !== target.machine) problems.push(`${where}: built for ${machine}, not ${target.machine}`);
  const dynamic = execFileSync('readelf', ['-d', '-W', file], { encoding: 'utf8' });
  for (const [, lib] of dynamic.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)) {
    if (!ALLOWED_NEEDED.some((re) => re.test(lib))) problems.push(`${where}: needs ${lib}, which a user may not have`);
  }
  const versions = execFileSync('readelf', ['-V', '-W', file], { encoding: 'utf8' });
  const needs = versions.slice(versions.indexOf('.gnu.version_r'));
  for (const [, family, version] of needs.matchAll(/Name: (GLIBC|GLIBCXX|CXXABI|GCC)_([0-9.]+)/g)) {
    if (compareVersions(version, NEWEST[family]) > 0) {
      problems.push(`${where}: requires ${family}_${version}, newer than ${family}_${NEWEST[family]}`);
    }
  }
  return problems;
}

/** Checks a package's prebuilds/: one per target, each loadable on the oldest system. */
export function checkPrebuilds(packageDir) {
  const problems = [];
  for (const target of TARGETS) {
    const dir = join(packageDir, 'prebuilds', `linux-${target.arch}`);
    const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.node')) : [];
    if (files.length === 0) problems.push(`${relative(root, packageDir)}: no prebuild for linux-${target.arch}`);
    for (const file of files) problems.push(...checkBinary(join(dir, file), target));
  }
  return problems;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dirs =
    process.argv.length > 2
      ? process.argv.slice(2)
      : readdirSync(join(root, 'packages'))
          .map((p) => join(root, 'packages', p))
          .filter((p) => existsSync(join(p, 'binding.gyp')));
  const problems = dirs.flatMap(checkPrebuilds);
  for (const problem of problems) console.error(problem);
  if (problems.length > 0) process.exit(1);
  console.log(
    `prebuilds of ${dirs.length} package(s) load on glibc ${NEWEST.GLIBC}, GLIBCXX ${NEWEST.GLIBCXX}: ${TARGETS.map((t) => `linux-${t.arch}`).join(', ')}`,
  );
}
