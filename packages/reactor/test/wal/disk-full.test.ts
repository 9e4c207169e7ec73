// A full disk, for real and without privileges: the test lowers the writer child's
// RLIMIT_FSIZE with prlimit(1), so its writes past 40 KiB fail with EFBIG (the kernel's answer
// to a file that may not grow), then raises it. The appends of the failing groups must reject
// with a typed error carrying the errno, nothing acknowledged may be lost, no rejected append
// may appear in the log, and appends must work again once the limit is lifted.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Wal } from '../../src/wal/index.js';
import { backendEnv, backends, LineChild, readPayload, tempDir } from './helpers.js';

const script = fileURLToPath(new URL('./fixtures/disk-full.mjs', import.meta.url));
const root = tempDir();

function setFileSizeLimit(pid: number, soft: string): void {
  execFileSync('prlimit', ['--pid', String(pid), `--fsize=${soft}:`]);
}

describe.each(backends)('EFBIG (RLIMIT_FSIZE) on %s', (backend) => {
  // A limit off a page boundary too: a direct write (whole pages) that crosses it is cut to a
  // length O_DIRECT refuses (EINVAL), though the group's own bytes may end below it.
  it.each([40 * 1024, 40 * 1024 + 100])(
    'rejects the failing groups with errno, keeps every acknowledged record, works again after (limit %i)',
    async (limit) => {
      const dir = join(root, `${backend}-${limit}`);
      const child = new LineChild(script, [dir], backendEnv(backend));
      await child.waitFor((lines) => lines.includes(`ready ${backend}`));
      setFileSizeLimit(child.child.pid as number, String(limit));
      child.send('go');
      await child.waitFor((lines) => lines.includes('full'));
      const errors = child.lines.filter((l) => l.startsWith('err '));
      expect(errors.length).toBeGreaterThanOrEqual(8); // the lanes stop after 8; the last group may hold 3 more
      for (const line of errors) expect(line).toBe('err ERR_CORELANE_SYSTEM -27 EFBIG');
      const ackedBefore = child.lines.filter((l) => l.startsWith('ack ')).length;
      expect(ackedBefore).toBeGreaterThan(100); // ~40 KiB of ~130-byte records went in first

      setFileSizeLimit(child.child.pid as number, 'unlimited');
      child.send('go');
      await child.waitFor((lines) => lines.includes('done'));
      await child.exited();
      expect(child.exitCode).toBe(0);

      const acked = new Map<number, number>();
      for (const line of child.lines) {
        const [kind, seq, counter] = line.split(' ');
        if (kind === 'ack') acked.set(Number(seq), Number(counter));
      }
      expect(acked.size).toBe(ackedBefore + 300);
      // The sequence has no hole where the rejected appends were: their numbers went to the next ones.
      expect([...acked.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: acked.size }, (_, i) => i + 1));
      const wal = await Wal.open(dir, { segmentSize: 64 * 1024 });
      expect(wal.recovery).toMatchObject({ tornBytes: 0, records: acked.size, truncated: null });
      expect(wal.segments).toBeGreaterThan(1); // it rolled past the first segment afterwards
      await wal.replay(({ seq, data }) => {
        expect(readPayload(data)?.counter, `record ${seq}`).toBe(acked.get(seq));
      });
      await wal.close();
    },
  );
});
