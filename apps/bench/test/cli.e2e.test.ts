import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../src/harness/result.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
const cli = join(root, 'dist', 'cli.js');

describe('the built CLI, end to end', () => {
  let dir: string;
  beforeAll(() => {
    if (!existsSync(cli)) throw new Error(`${cli} is missing: build first (pnpm --filter @corelane/bench build)`);
    dir = mkdtempSync(join(tmpdir(), 'corelane-bench-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs --quick --filter affinity and writes the JSON and the HTML report', { timeout: 120_000 }, async () => {
    const json = join(dir, 'out.json');
    const html = join(dir, 'out.html');
    const { stdout } = await run(
      process.execPath,
      [cli, '--quick', '--filter', 'affinity', '--json', json, '--html', html],
      { cwd: root, timeout: 110_000, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 },
    );
    expect(stdout).toMatch(/^suite\s+case\s+metric\s+ours\s+peer\s+peer value\s+ratio\s+reading$/m);
    expect(stdout).toContain(`JSON: ${json}`);
    expect(stdout).toContain(`HTML: ${html}`);

    const report = JSON.parse(readFileSync(json, 'utf8')) as Report;
    expect(report.meta).toMatchObject({ quick: true, rounds: 3, suites: ['affinity'] });
    expect(report.results.map((r) => r.case)).toEqual(['pin a thread', 'postMessage ping-pong', 'postMessage stream']);
    for (const r of report.results) {
      expect(r.suite).toBe('affinity');
      expect(r.status, `${r.case}: ${r.reason}`).not.toBe('error');
      if (r.status === 'skipped') {
        expect(r.reason).toBeTruthy();
        continue;
      }
      for (const v of [r.value, r.peerValue, r.ratio]) {
        expect(Number.isFinite(v)).toBe(true);
        expect(v).toBeGreaterThan(0);
      }
      expect(r.samples).toHaveLength(3);
      expect(r.peerSamples).toHaveLength(3);
    }
    expect(report.results.find((r) => r.case === 'pin a thread')?.higherIsBetter).toBe(false);

    const page = readFileSync(html, 'utf8');
    expect(page.match(/<svg class="chart" data-case=/g)).toHaveLength(3);
    expect(page).not.toMatch(/https?:\/\//);
  });

  it('exits 2 and lists the known suites for an unknown one', async () => {
    const failed = await run(process.execPath, [cli, '--filter', 'nope'], { cwd: root, timeout: 30_000 }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toContain('unknown suite "nope"; known suites: affinity');
  });

  it('--case narrows --list to the matching cases, and exits 2 when none matches', async () => {
    const { stdout } = await run(process.execPath, [cli, '--list', '--filter', 'wal', '--case', 'REPLAY'], {
      cwd: root,
      timeout: 30_000,
    });
    const cases = stdout.split('\n').filter((line) => line.startsWith('  '));
    expect(cases).toHaveLength(1);
    expect(cases[0]).toContain('replay 128B records');
    const failed = await run(process.execPath, [cli, '--list', '--case', 'no such case'], {
      cwd: root,
      timeout: 30_000,
    }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toContain('no case matches --case no such case');
  });

  it('prints usage for --help', async () => {
    const { stdout } = await run(process.execPath, [cli, '--help'], { cwd: root, timeout: 30_000 });
    expect(stdout).toContain('Usage: pnpm bench [--quick] [--filter <suite>] [--case <text>] [--json <file>]');
  });
});
