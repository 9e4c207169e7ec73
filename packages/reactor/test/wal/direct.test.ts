// Direct group writes (direct.ts) on both uring backends: under 'always' each lone group is one
// O_DIRECT RWF_DSYNC write of whole pages, the log's bytes before it (the page head kept in
// memory, or read back after a reopen or a roll) rewritten unchanged; where O_DIRECT is refused
// or a group is too large, the page cache path as before. Every record replays intact.
import { constants } from 'node:fs';
import { join } from 'node:path';
import { IoRing } from '@corelane/uring';
import { describe, expect, it } from 'vitest';
import { Wal, type WalOptions } from '../../src/wal/index.js';
import { backends, tempDir } from './helpers.js';

const root = tempDir();
const SEGMENT = 64 * 1024;
const PAGE = 4096;

/** Record `i`: 1..9000 bytes (crossing pages at every offset class), its bytes derived from `i`. */
function record(i: number): Buffer {
  const out = Buffer.alloc(1 + ((i * 977) % 9000));
  for (let k = 0; k < out.length; k++) out[k] = (i * 31 + k * 7 + 1) & 0xff;
  return out;
}

interface Seen {
  /** The group writes: position, length, RWF_DSYNC. */
  writes: { position: number; length: number; dsync: boolean }[];
  /** Opens asked with O_DIRECT. */
  directOpens: number;
}

/** A ring whose batch writes and opens are recorded; `refuseDirect`: opens with O_DIRECT fail with EINVAL. */
function spyRing(backend: (typeof backends)[number], refuseDirect = false): { ring: IoRing; seen: Seen } {
  const ring = new IoRing({ backend, deferTaskrun: false, quietLinks: true });
  const seen: Seen = { writes: [], directOpens: 0 };
  const batch = ring.batch.bind(ring);
  ring.batch = () => {
    const b = batch();
    const write = b.write.bind(b);
    b.write = (...args: Parameters<typeof b.write>) => {
      const [, bytes, position, options] = args;
      seen.writes.push({ position: Number(position), length: bytes.byteLength, dsync: options?.dsync === true });
      return write(...args);
    };
    return b;
  };
  const open = ring.open.bind(ring);
  ring.open = (path: string, flags?: number, mode?: number) => {
    if (flags !== undefined && (flags & constants.O_DIRECT) !== 0) {
      seen.directOpens++;
      if (refuseDirect) {
        return Promise.reject(Object.assign(new Error('EINVAL: refused'), { code: 'EINVAL', errno: -22 }));
      }
    }
    return open(path, flags, mode);
  };
  return { ring, seen };
}

/** Appends records `from..to-1`, one awaited after another, with a burst every 16 (a group of several). */
async function appendRange(wal: Wal, from: number, to: number): Promise<void> {
  for (let i = from; i < to; ) {
    if (i % 16 === 0) {
      const burst = Array.from({ length: Math.min(5, to - i) }, (_, k) => wal.append(record(i + k)));
      expect(await Promise.all(burst)).toEqual(burst.map((_, k) => i + k + 1));
      i += burst.length;
    } else {
      expect(await wal.append(record(i))).toBe(i + 1);
      i++;
    }
  }
}

/** Replays the log and checks record `seq` is `record(seq - 1)`, for every seq up to `count`. */
async function expectIntact(wal: Wal, count: number): Promise<void> {
  let next = 1;
  await wal.replay(({ seq, data }) => {
    expect(seq).toBe(next);
    if (!record(seq - 1).equals(data)) throw new Error(`record ${seq} differs`);
    next++;
  });
  expect(next - 1).toBe(count);
}

describe.each(backends)('direct group writes on %s', (backend) => {
  it('lone groups go as O_DIRECT RWF_DSYNC writes of whole pages; records replay intact across reopens and rolls', async () => {
    const dir = join(root, `direct-${backend}`);
    const { ring, seen } = spyRing(backend);
    const options: WalOptions = { ring, segmentSize: SEGMENT, maxGroupBytes: 16 * 1024 };
    let wal = await Wal.open(dir, options);
    await appendRange(wal, 0, 40);
    await wal.close();
    // Reopened: the page head of the first direct write is read back from the disk.
    wal = await Wal.open(dir, options);
    await appendRange(wal, 40, 80);
    expect(wal.segments).toBeGreaterThan(3); // rolled: each new segment's first write reads its header page
    await expectIntact(wal, 80);
    await wal.close();
    // Every group write was direct: whole pages, with RWF_DSYNC (zero-ahead's writes are 64 KiB-aligned zeros).
    const groups = seen.writes.filter((w) => w.dsync);
    expect(groups.length).toBeGreaterThan(60);
    for (const w of groups) {
      expect(w.position % PAGE).toBe(0);
      expect(w.length % PAGE).toBe(0);
    }
    expect(seen.directOpens).toBeGreaterThan(3);
    wal = await Wal.open(dir, { backend, segmentSize: SEGMENT, directIo: false });
    await expectIntact(wal, 80);
    await wal.close();
    ring.close();
  });

  it('directIo: false, O_DIRECT refused, or a group above maxGroupBytes: the group goes through the page cache', async () => {
    for (const [name, refuse, directIo] of [
      ['off', false, false],
      ['refused', true, true],
    ] as const) {
      const dir = join(root, `buffered-${name}-${backend}`);
      const { ring, seen } = spyRing(backend, refuse);
      const wal = await Wal.open(dir, { ring, segmentSize: SEGMENT, directIo });
      await appendRange(wal, 0, 30);
      await expectIntact(wal, 30);
      await wal.close();
      expect(seen.directOpens).toBe(refuse ? 1 : 0);
      const groups = seen.writes.filter((w) => w.dsync);
      expect(groups.length).toBeGreaterThan(20);
      expect(groups.some((w) => w.position % PAGE !== 0)).toBe(true); // records at their own offsets
      ring.close();
    }
    // A record larger than a group goes alone, buffered, between direct writes.
    const dir = join(root, `large-${backend}`);
    const { ring, seen } = spyRing(backend);
    const wal = await Wal.open(dir, { ring, segmentSize: SEGMENT, maxGroupBytes: PAGE });
    const records = [record(3), Buffer.alloc(3 * PAGE, 0xab), record(1)];
    for (let i = 0; i < records.length; i++) expect(await wal.append(records[i] as Buffer)).toBe(i + 1);
    const got: Buffer[] = [];
    await wal.replay(({ data }) => {
      got.push(Buffer.from(data));
    });
    expect(got).toEqual(records);
    await wal.close();
    const groups = seen.writes.filter((w) => w.dsync);
    expect(groups.map((w) => w.position % PAGE === 0 && w.length % PAGE === 0)).toEqual([true, false, true]);
    ring.close();
  });
});
