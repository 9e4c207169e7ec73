// The WAL examples (the docs page shows them) run for real, on both backends.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { walExamples } from './example-expectations.js';
import { backendEnv, backends } from './helpers.js';

const root = new URL('../../', import.meta.url);

describe('WAL examples', () => {
  it('every wal-*.ts example has an expectation', () => {
    const files = readdirSync(new URL('examples/', root)).filter((f) => f.startsWith('wal-'));
    expect(files.sort()).toEqual(Object.keys(walExamples).sort());
  });

  it.each(backends.flatMap((backend) => Object.keys(walExamples).map((file) => [file, backend] as const)))(
    '%s on %s prints what it promises',
    (file, backend) => {
      const out = execFileSync(process.execPath, [`examples/${file}`], {
        cwd: root,
        encoding: 'utf8',
        timeout: 30_000,
        env: backendEnv(backend),
      });
      expect(out).toMatch(walExamples[file] as RegExp);
      if (file === 'wal-quick-start.ts') expect(out).toContain(`through ${backend}`);
    },
  );
});
