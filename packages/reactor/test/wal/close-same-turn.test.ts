// close() and sync() made in the same turn as appends that took the
// microtask branch, on every policy: every append settles and is replayed after reopen.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Wal, type WalOptions } from '../../src/wal/index.js';
import { backends, payload, readPayload, tempDir } from './helpers.js';

const root = tempDir();
const policies: WalOptions[] = [
  { fsync: 'always' },
  { fsync: 'always', maxGroupsInFlight: 4 },
  { fsync: 'interval', intervalMs: 1 },
  { fsync: 'none' },
];

describe.each(backends)("close() and sync() in an append's own turn on %s", (backend) => {
  it.each(policies.map((p, i) => [i, p] as const))(
    'policy %i: append; close() in one turn',
    async (i, p) => {
      for (let round = 0; round < 20; round++) {
        const dir = join(root, `${backend}-${i}-${round}`);
        const wal = await Wal.open(dir, { backend, segmentSize: 64 * 1024, ...p });
        const n = round % 5; // 0..4 earlier appends acknowledged first
        for (let k = 0; k < n; k++) await wal.append(payload(1, k));
        const lone = wal.append(payload(1, n));
        const s = round % 2 === 0 ? wal.sync() : Promise.resolve();
        if (round % 3 === 0) await Promise.resolve(); // let the queued microtask pump run first
        const closed = wal.close();
        expect(await lone).toBe(n + 1);
        await s;
        await closed;
        const again = await Wal.open(dir, { backend, segmentSize: 64 * 1024 });
        const got: number[] = [];
        await again.replay(({ data }) => got.push(readPayload(data)?.counter ?? -1));
        await again.close();
        expect(got).toEqual(Array.from({ length: n + 1 }, (_, k) => k));
      }
    },
    60_000,
  );
});
