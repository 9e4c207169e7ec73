// A ring that does not know `dsync` (an @corelane/uring from before it, as a user's own `ring`
// option may be: its readWriteSpec ignores keys it does not know, and it has no `dsyncWrites`)
// would get plain writes under fsync: 'always', every append acknowledged with nothing synced,
// if the WAL trusted it: the WAL takes the linked write + fdatasync for such a ring.
import { join } from 'node:path';
import { IoRing } from '@corelane/uring';
import { expect, it } from 'vitest';
import { Wal } from '../../src/wal/index.js';
import { payload, readPayload, tempDir } from './helpers.js';

const root = tempDir();

it("under fsync 'always', a ring that ignores { dsync } still gets every acknowledged append synced", async () => {
  const ring = new IoRing({ backend: 'threadpool' });
  let durable = 0; // fdatasyncs, and writes that really carry dsync
  const strip = <T extends { fsync: IoRing['fsync']; write: IoRing['write'] }>(t: T): T => {
    const fsync = t.fsync.bind(t);
    t.fsync = (fd, o) => {
      durable++;
      return fsync(fd, o);
    };
    const write = t.write.bind(t);
    // What a ring from before `dsync` does with it: nothing (unknown keys are not refused).
    t.write = (fd, b, pos, o) => {
      if (o === undefined) return write(fd, b, pos);
      const { dsync: _ignored, ...rest } = o;
      return write(fd, b, pos, rest);
    };
    return t;
  };
  strip(ring);
  // What a ring from before `dsync` lacks as well: the property that says it honours it.
  Object.defineProperty(ring, 'dsyncWrites', { value: undefined });
  const batch = ring.batch.bind(ring);
  ring.batch = () => strip(batch());
  try {
    const dir = join(root, 'foreign');
    const wal = await Wal.open(dir, { ring, fsync: 'always', zeroAheadBytes: 0 });
    const before = durable;
    const seqs: number[] = [];
    for (let i = 0; i < 5; i++) seqs.push(await wal.append(payload(1, i)));
    // One fdatasync per acknowledged group at least: the linked write + fdatasync, not dsync.
    expect(durable - before).toBeGreaterThanOrEqual(5);
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
    await wal.close();
    const again = await Wal.open(dir, { backend: 'threadpool' });
    const counters: number[] = [];
    await again.replay(({ data }) => counters.push(readPayload(data)?.counter ?? -1));
    expect(counters).toEqual([0, 1, 2, 3, 4]);
    await again.close();
  } finally {
    ring.close();
  }
});
