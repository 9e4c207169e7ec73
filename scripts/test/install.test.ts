// Installs the release/ tarballs the way a user would, on a machine with no compiler: a fresh
// project, `npm install` of the tarballs with a PATH that holds only node, npm and sh (no gcc,
// g++, make or python), then require() and import of every package and each README's first example.
// The same again where no prebuild matches (npm_config_arch=riscv64, which node-gyp-build reads):
// packages whose addon is optional install and run without it, the others fail with one sentence.
// Last, with a compiler and npm_config_build_from_source=true, one native package builds at install.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTarball, publishablePackages, releaseDir, tarballName } from '../pack/packages.mjs';

const packages = publishablePackages().map((p) => ({ ...p, tarball: join(releaseDir, tarballName(p.manifest)) }));
const work = mkdtempSync(join(tmpdir(), 'corelane-install-'));
const bin = join(work, 'bin');
const NO_PREBUILD_ARCH = 'riscv64';

/**
 * The caller's environment (certificates, proxies) as a user's shell would have it: PATH holds
 * node, npm and sh alone, and nothing that names a compiler or comes from the pnpm run around this test.
 */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const dropped = /^(npm_|pnpm_|PNPM_|CC$|CXX$|LINK$|AR$|CFLAGS$|CXXFLAGS$|LDFLAGS$|VITEST|TURBO_)/;
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !dropped.test(key)));
  return { ...env, PATH: bin, ...extra };
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 180_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** A fresh project with `tarballs` installed by npm; returns its folder and npm's result. */
function install(name: string, tarballs: string[], env: NodeJS.ProcessEnv) {
  const project = join(work, name);
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
  const npm = run(
    join(bin, 'npm'),
    ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', ...tarballs],
    project,
    env,
  );
  return { project, npm };
}

/** The first ```ts block of a README, as a user would paste it. */
function firstExample(readme: string): string {
  const match = /```ts\n([\s\S]*?)```/.exec(readme);
  if (!match) throw new Error('the README has no ```ts example');
  return match[1];
}

/** Loads a package both ways and prints what its capabilities() says (or {} when it has none). */
function loadBothWays(project: string, name: string, env: NodeJS.ProcessEnv) {
  const cjs = run(
    join(bin, 'node'),
    [
      '-e',
      `const m = require(${JSON.stringify(name)}); if (Object.keys(m).length === 0) throw new Error('no exports');
       const capabilities = typeof m.capabilities === 'function' ? m.capabilities() : {};
       console.log(JSON.stringify(capabilities));`,
    ],
    project,
    env,
  );
  const esm = run(
    join(bin, 'node'),
    [
      '--input-type=module',
      '-e',
      `const m = await import(${JSON.stringify(name)}); if (!m.default && Object.keys(m).length === 0) throw new Error('no exports');`,
    ],
    project,
    env,
  );
  return { cjs, esm };
}

function runReadmeExample(project: string, name: string, env: NodeJS.ProcessEnv) {
  const installed = join(project, 'node_modules', name);
  const readme = readFileSync(join(installed, 'README.md'), 'utf8');
  // The example runs where examples/quick-start.ts sits in the package, beside a copy of the
  // shipped examples/, so the files it names (a core module for the runtime) resolve as they do
  // in the repository; outside node_modules, because Node strips types only there.
  const dir = join(project, `readme-${name.split('/').at(-1)}`);
  if (existsSync(join(installed, 'examples'))) cpSync(join(installed, 'examples'), dir, { recursive: true });
  else mkdirSync(dir);
  const file = join(dir, 'readme.mts');
  writeFileSync(file, firstExample(readme));
  return run(join(bin, 'node'), [file], project, env);
}

beforeAll(() => {
  mkdirSync(bin);
  symlinkSync(process.execPath, join(bin, 'node'));
  symlinkSync('/bin/sh', join(bin, 'sh')); // npm runs install scripts with sh
  const npm = execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim();
  symlinkSync(realpathSync(npm), join(bin, 'npm'));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the release tarballs', () => {
  it('exist for every publishable package', () => {
    expect(packages.length).toBeGreaterThan(0);
    for (const { tarball } of packages) expect(existsSync(tarball), `${tarball} (run ./dev pack)`).toBe(true);
  });

  it('each hold dist/, types, prebuilds (native) and a manifest without private or workspace dependencies', () => {
    expect(packages.flatMap(({ tarball }) => checkTarball(tarball))).toEqual([]);
  });

  it("are installed with no compiler on the user's PATH (the premise of what follows)", () => {
    for (const tool of ['gcc', 'g++', 'cc', 'c++', 'make', 'python3', 'python']) {
      const found = run(join(bin, 'sh'), ['-c', `command -v ${tool}`], work, userEnv());
      expect(found.status, `${tool} must not be on the test's PATH: ${found.output}`).not.toBe(0);
    }
  });
});

describe('npm install of every tarball, no compiler, prebuilds for this machine', () => {
  let project = '';
  beforeAll(() => {
    const result = install(
      'all',
      packages.map((p) => p.tarball),
      userEnv(),
    );
    expect(result.npm.output).not.toMatch(/gyp (ERR|info)/);
    expect(result.npm.status, result.npm.output).toBe(0);
    project = result.project;
  });

  for (const { manifest, native } of packages) {
    it(`${manifest.name}: require() and import work${native ? ', its prebuild loads' : ''}`, () => {
      const { cjs, esm } = loadBothWays(project, manifest.name, userEnv());
      expect(cjs.status, cjs.output).toBe(0);
      expect(esm.status, esm.output).toBe(0);
      if (native) {
        expect(cjs.output).not.toContain('native addon not loaded');
        expect(existsSync(join(project, 'node_modules', manifest.name, 'build'))).toBe(false); // nothing compiled
        const loaded = run(
          join(bin, 'node'),
          [
            '-e',
            `console.log(require('node-gyp-build').resolve(${JSON.stringify(join(project, 'node_modules', manifest.name))}))`,
          ],
          join(project, 'node_modules', manifest.name),
          userEnv(),
        );
        expect(loaded.output).toMatch(/prebuilds\/linux-(x64|arm64)\/node\.napi\.glibc\.node/);
      }
    });

    it(`${manifest.name}: the README's first example runs`, () => {
      const example = runReadmeExample(project, manifest.name, userEnv());
      expect(example.status, example.output).toBe(0);
    });
  }
});

describe(`npm install where no prebuild matches (${NO_PREBUILD_ARCH}) and nothing can compile`, () => {
  const env = userEnv({ npm_config_arch: NO_PREBUILD_ARCH });
  const optional = packages.filter((p) => p.native && p.manifest.corelane?.addon === 'optional');
  const required = packages.filter((p) => p.native && p.manifest.corelane?.addon !== 'optional');
  // Pure packages install here only when nothing they depend on needs an addon (the reactor
  // depends on affinity and uring, whose failure the `required` cases below show).
  const byName = new Map(packages.map((p) => [p.manifest.name, p]));
  const installsWithoutAddon = (p: (typeof packages)[number]): boolean =>
    (!p.native || p.manifest.corelane?.addon === 'optional') &&
    Object.keys(p.manifest.dependencies ?? {}).every((dep) => {
      const inner = byName.get(dep);
      return inner === undefined || installsWithoutAddon(inner);
    });
  const pure = packages.filter((p) => !p.native && installsWithoutAddon(p));
  let project = '';

  beforeAll(() => {
    if (optional.length === 0) return;
    // Optional-addon packages and the pure ones, with whatever they depend on among the tarballs.
    const result = install(
      'no-prebuild',
      [...optional, ...pure].map((p) => p.tarball),
      env,
    );
    expect(result.npm.output).not.toMatch(/gyp (ERR|info)/);
    expect(result.npm.status, result.npm.output).toBe(0);
    project = result.project;
  });

  for (const { manifest } of optional) {
    it(`${manifest.name} (optional addon) installs, loads, says why through capabilities() and runs its README example`, () => {
      const { cjs, esm } = loadBothWays(project, manifest.name, env);
      expect(cjs.status, cjs.output).toBe(0);
      expect(esm.status, esm.output).toBe(0);
      const capabilities = JSON.parse(cjs.output.trim().split('\n').at(-1) ?? '{}');
      const unavailable = Object.values(capabilities).filter(
        (c): c is { supported: boolean; reason: string } =>
          typeof c === 'object' && c !== null && (c as { supported?: unknown }).supported === false,
      );
      expect(unavailable.length, `${manifest.name} needs capabilities() reporting the missing addon`).toBeGreaterThan(
        0,
      );
      for (const c of unavailable) expect(c.reason).toContain('native addon not loaded');
      const example = runReadmeExample(project, manifest.name, env);
      expect(example.status, example.output).toBe(0);
    });
  }

  for (const { manifest } of required) {
    it(`${manifest.name} (addon required) fails to install with one sentence, no node-gyp log`, () => {
      const deps = packages.filter((p) => p.manifest.name in (manifest.dependencies ?? {}));
      const { npm } = install(
        `no-prebuild-${manifest.name.split('/').at(-1)}`,
        [...deps, { tarball: join(releaseDir, tarballName(manifest)) }].map((p) => p.tarball),
        env,
      );
      expect(npm.status).not.toBe(0);
      expect(npm.output).toContain(
        `${manifest.name} cannot work on this machine: no prebuilt addon matches linux-${NO_PREBUILD_ARCH}`,
      );
      expect(npm.output).not.toMatch(/gyp (ERR|info)/);
    });
  }
});

describe('npm install that builds from source (npm_config_build_from_source=true, a compiler on PATH)', () => {
  // One native package is enough to prove the path through dist/install.cjs and node-gyp; uring is
  // the one whose build also finds and links liburing.a.
  const target = packages.find((p) => p.manifest.name === '@corelane/uring') ?? packages.find((p) => p.native);

  it(`${target?.manifest.name ?? 'a native package'} compiles at install and loads its own build`, () => {
    expect(target, 'a native package to build').toBeDefined();
    const { manifest, tarball } = target as (typeof packages)[number];
    // The machine's PATH (with g++, make, python3); node-gyp takes the headers from the local Node
    // (npm_config_nodedir, set by scripts/env.sh) since nothing may be downloaded here.
    const env = { ...userEnv(), PATH: `${bin}:${process.env.PATH}`, npm_config_build_from_source: 'true' };
    // biome-ignore lint/suspicious/noUndeclaredEnvVars: read by npm, not a turbo task input
    const nodedir = process.env.npm_config_nodedir;
    if (nodedir) env.npm_config_nodedir = nodedir;
    const { project, npm } = install('from-source', [tarball], env);
    expect(npm.status, npm.output).toBe(0);
    const dir = join(project, 'node_modules', manifest.name);
    const loaded = run(
      join(bin, 'node'),
      ['-e', `console.log(require('node-gyp-build').resolve(${JSON.stringify(dir)}))`],
      dir,
      userEnv(),
    );
    expect(loaded.output).toContain(join(dir, 'build/Release'));
    const example = runReadmeExample(project, manifest.name, userEnv());
    expect(example.status, example.output).toBe(0);
  });
});
