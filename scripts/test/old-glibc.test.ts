// Loads every prebuild the way an older distribution would: with Debian 11's own dynamic loader,
// glibc 2.31 and the libstdc++ of GCC 10 (older than this machine's 2.36 and GCC 12), arm64 ones
// under qemu-aarch64. The loader checks every symbol version a prebuild requires when it preloads
// it, so a prebuild that needs GLIBC_2.34 or GLIBCXX_3.4.29 is refused here as on such a system.
// (readelf's check in scripts/prebuild/check-symbols.mjs holds them to glibc 2.28; Debian 10 is no
// longer on the mirror, so 2.31 is the oldest glibc a test can load them with.) A control library
// built plainly on this machine must be refused, or the test could not fail.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishablePackages, root } from '../pack/packages.mjs';
import { TARGETS } from '../prebuild/targets.mjs';

const DEBIAN = 'bullseye'; // glibc 2.31, GCC 10
const debianArch = { x64: 'amd64', arm64: 'arm64' } as const;
const sysroots = join(root, '.tools', `debian-${DEBIAN}`);
const scratch = mkdtempSync(join(tmpdir(), 'corelane-old-glibc-'));

/** Unpacks Debian 11's libc6, libc-bin (for getconf), libstdc++6 and libgcc-s1 once per machine. */
function fetchSysroots() {
  if (existsSync(join(sysroots, 'done'))) return;
  rmSync(sysroots, { recursive: true, force: true });
  for (const dir of ['lists/partial', 'cache/archives/partial', 'debs'])
    mkdirSync(join(sysroots, dir), { recursive: true });
  writeFileSync(
    join(sysroots, 'sources.list'),
    `deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian ${DEBIAN} main\n`,
  );
  writeFileSync(join(sysroots, 'status'), '');
  const apt = [
    `-oDir::Etc::SourceList=${join(sysroots, 'sources.list')}`,
    '-oDir::Etc::SourceParts=/nonexistent',
    `-oDir::State::Lists=${join(sysroots, 'lists')}`,
    `-oDir::State::status=${join(sysroots, 'status')}`,
    `-oDir::Cache=${join(sysroots, 'cache')}`,
    ...Object.values(debianArch).map((a) => `-oAPT::Architectures::=${a}`),
  ];
  execFileSync('apt-get', [...apt, '-qq', 'update'], { stdio: 'inherit' });
  const wanted = Object.values(debianArch).flatMap((a) =>
    ['libc6', 'libc-bin', 'libstdc++6', 'libgcc-s1'].map((p) => `${p}:${a}`),
  );
  execFileSync('apt-get', [...apt, '-qq', 'download', ...wanted], { cwd: join(sysroots, 'debs'), stdio: 'inherit' });
  for (const deb of readdirSync(join(sysroots, 'debs'))) {
    const arch =
      deb
        .replace(/\.deb$/, '')
        .split('_')
        .at(-1) ?? '';
    execFileSync('dpkg', ['-x', join(sysroots, 'debs', deb), join(sysroots, arch)]);
  }
  writeFileSync(join(sysroots, 'done'), '');
}

/** Preloads `file` into Debian 11's getconf with Debian 11's loader; status 0 when it loaded. */
function loadOld(file: string, target: (typeof TARGETS)[number]) {
  const sysroot = join(sysroots, debianArch[target.arch as keyof typeof debianArch]);
  const loader = join(
    sysroot,
    'lib',
    target.triplet,
    target.arch === 'x64' ? 'ld-linux-x86-64.so.2' : 'ld-linux-aarch64.so.1',
  );
  const libraryPath = [join(sysroot, 'lib', target.triplet), join(sysroot, 'usr/lib', target.triplet)].join(':');
  const command = [
    loader,
    '--library-path',
    libraryPath,
    '--preload',
    file,
    join(sysroot, 'usr/bin/getconf'),
    'PAGESIZE',
  ];
  const [program, ...args] = target.arch === process.arch ? command : ['qemu-aarch64', ...command];
  const result = spawnSync(program, args, { encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

beforeAll(fetchSysroots);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe(`prebuilds load with Debian 11's glibc 2.31 and GCC 10's libstdc++`, () => {
  it('refuses a control library built plainly here (pthread_once@GLIBC_2.34)', () => {
    const source = join(scratch, 'control.c');
    writeFileSync(
      source,
      '#include <pthread.h>\nstatic pthread_once_t o = PTHREAD_ONCE_INIT;\nstatic void f(void) {}\nint g(void) { return pthread_once(&o, f); }\n',
    );
    execFileSync('gcc', ['-shared', '-fPIC', '-o', join(scratch, 'control.so'), source]);
    const { status, output } = loadOld(join(scratch, 'control.so'), TARGETS[0]);
    expect(status).not.toBe(0);
    expect(output).toContain("version `GLIBC_2.34' not found");
  });

  for (const { dir, manifest } of publishablePackages().filter((p) => p.native)) {
    for (const target of TARGETS) {
      it(`${manifest.name} linux-${target.arch}`, () => {
        const file = join(dir, 'prebuilds', `linux-${target.arch}`, 'node.napi.glibc.node');
        expect(existsSync(file), `${file} (run pnpm prebuild)`).toBe(true);
        const { status, output } = loadOld(file, target);
        expect(status, output).toBe(0);
        expect(output.trim()).toMatch(/^\d+$/);
      });
    }
  }
});
