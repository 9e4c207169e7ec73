// Zero-ahead (zeros written ahead of the appends, over the preallocated space): every write the
// log submits is watched. A zero chunk must never land where a record was or is being written:
// it starts at or past the end of every data write submitted before it, and no data write is
// submitted over it while it is in flight. Records of every size (some larger than a chunk)
// race the chunks across several segment rolls, then replay intact after a reopen.
import { join } from 'node:path';
import { IoRing } from '@corelane/uring';
import { describe, expect, it } from 'vitest';
import { Wal } from '../../src/wal/index.js';
import { backends, payload, tempDir } from './helpers.js';

const root = tempDir();

interface Write {
  fd: number;
  /** The file written (descriptors of one file compare equal here). */
  file: string;
  /** Which open of it (a serial number per open: descriptor numbers are reused). */
  handle: number;
  from: number;
  to: number;
  zeros: boolean;
  done: boolean;
}

/** A ring that records every write (single or batched) with its range, content class and completion. */
function watched(backend: (typeof backends)[number]): { ring: IoRing; writes: Write[]; violations: string[] } {
  const ring = new IoRing({ backend });
  const writes: Write[] = [];
  const violations: string[] = [];
  const files = new Map<number, { file: string; handle: number }>();
  let opens = 0;
  const open = ring.open.bind(ring);
  ring.open = async (path, ...rest) => {
    const fd = await open(path, ...rest);
    files.set(fd, { file: String(path), handle: ++opens });
    return fd;
  };
  // A segment is created under a temporary name, then renamed: its writes follow the file.
  const rename = ring.rename.bind(ring);
  ring.rename = async (from, to) => {
    await rename(from, to);
    for (const f of files.values()) if (f.file === String(from)) f.file = String(to);
    for (const w of writes) if (w.file === String(from)) w.file = String(to);
  };
  const track = (fd: number, view: ArrayBufferView, position: number | bigint, done: Promise<number>): void => {
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    const w: Write = {
      fd,
      file: files.get(fd)?.file ?? `fd ${fd}`,
      handle: files.get(fd)?.handle ?? -fd,
      from: Number(position),
      to: Number(position) + bytes.length,
      zeros: bytes.every((b) => b === 0),
      done: false,
    };
    const overlaps = (o: Write): boolean => o.file === w.file && o.from < w.to && w.from < o.to;
    for (const o of writes) {
      // A data write must not meet a zero chunk still in flight; a zero chunk must not meet
      // data written before it (completed or not). Zeros over zeros (a failed group's scrub) are fine.
      if (!w.zeros && o.zeros && !o.done && overlaps(o))
        violations.push(`data [${w.from},${w.to}) over zeros in flight`);
      if (w.zeros && !o.zeros && overlaps(o) && w.to - w.from >= 4096) {
        violations.push(`zeros [${w.from},${w.to}) over data [${o.from},${o.to})`);
      }
    }
    writes.push(w);
    void done.finally(() => (w.done = true)).catch(() => {});
  };
  // A closed descriptor's number is reused for the next file: its writes are history.
  const closeFile = ring.closeFile.bind(ring);
  ring.closeFile = (fd) => {
    for (const w of writes) if (w.fd === fd) w.fd = -1;
    files.delete(fd);
    return closeFile(fd);
  };
  const write = ring.write.bind(ring);
  ring.write = (fd, bytes, position, ...rest) => {
    const done = write(fd, bytes, position, ...rest);
    track(fd, bytes, position ?? 0, done);
    return done;
  };
  const batch = ring.batch.bind(ring);
  ring.batch = () => {
    const b = batch();
    const bwrite = b.write.bind(b);
    b.write = (fd, bytes, position, ...rest) => {
      const done = bwrite(fd, bytes, position, ...rest);
      track(fd, bytes, position ?? 0, done);
      return done;
    };
    return b;
  };
  return { ring, writes, violations };
}

describe.each(backends)('zero-ahead on %s', (backend) => {
  it.each([1, 2])(
    'writes zeros ahead of the tail and never over a record, across rolls; everything replays (%i groups in flight)',
    async (groups) => {
      const { ring, writes, violations } = watched(backend);
      const dir = join(root, `race-${backend}-${groups}`);
      const segmentSize = 1024 * 1024;
      const wal = await Wal.open(dir, {
        ring,
        segmentSize,
        maxGroupBytes: 64 * 1024,
        zeroAheadBytes: 256 * 1024,
        maxGroupsInFlight: groups,
      });
      const sizes = [0, 1, 100, 4000, 9000, 70_000, 300_000]; // 70 k: alone in its group; 300 k: more than a chunk
      let counter = 0;
      const expected: Buffer[] = [];
      for (let round = 0; round < 40; round++) {
        const batch: Promise<number>[] = [];
        for (let i = 0; i < 1 + (round % 9); i++) {
          const size = sizes[(round * 7 + i) % sizes.length] as number;
          const data = Buffer.concat([payload(round, counter++), Buffer.alloc(size, round + 1)]);
          expected.push(data);
          batch.push(wal.append(data));
        }
        // With two groups in flight: a cohort of small appends large enough to be cut in two.
        for (let i = 0; groups > 1 && i < 140; i++) {
          const data = payload(round, counter++);
          expected.push(data);
          batch.push(wal.append(data));
        }
        await Promise.all(batch);
      }
      expect(wal.segments).toBeGreaterThan(3); // it rolled, with chunks in flight
      await wal.close();
      expect(violations).toEqual([]);
      const zeroChunks = writes.filter((w) => w.zeros && w.to - w.from >= 64 * 1024);
      expect(zeroChunks.length).toBeGreaterThan(4);
      // The chunks (and their fdatasyncs) go through a descriptor of their own, never one that
      // carries records: a write-back error is then reported to the records' own sync as well.
      for (const chunk of zeroChunks) {
        const records = writes.filter((w) => !w.zeros && w.file === chunk.file);
        expect(records.length).toBeGreaterThan(0);
        expect(records.filter((w) => w.handle === chunk.handle)).toEqual([]);
      }

      const again = await Wal.open(dir, { backend, segmentSize });
      let seq = 0;
      await again.replay((record) => {
        const data = Buffer.from(record.data);
        expect(record.seq).toBe(++seq);
        expect(data.equals(expected[seq - 1] as Buffer)).toBe(true);
      });
      expect(seq).toBe(expected.length);
      await again.close();
      ring.close();
    },
  );

  it("is off with zeroAheadBytes: 0 and by default under 'interval' and 'none'", async () => {
    for (const options of [
      { zeroAheadBytes: 0 },
      { fsync: 'interval' as const, intervalMs: 5 },
      { fsync: 'none' as const },
    ]) {
      const { ring, writes } = watched(backend);
      const wal = await Wal.open(join(root, `off-${backend}-${writes.length}-${options.fsync ?? 'always'}`), {
        ring,
        segmentSize: 256 * 1024,
        ...options,
      });
      await Promise.all(Array.from({ length: 50 }, (_, i) => wal.append(payload(9, i))));
      await wal.close();
      expect(writes.filter((w) => w.zeros && w.to - w.from >= 4096)).toEqual([]);
      ring.close();
    }
  });
});
