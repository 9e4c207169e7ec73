// Direct group writes (direct.ts) where O_DIRECT refuses the memory: the alignment probe must
// not be fooled by a read that checks nothing (at the end of the file), and an EINVAL from a
// direct write must send the group through the page cache instead of failing every group.
// On both uring backends, on os.tmpdir() (a block device; tmpfs would accept any alignment).
import { constants } from 'node:fs';
import { join } from 'node:path';
import { IoRing } from '@corelane/uring';
import { describe, expect, it } from 'vitest';
import { Wal } from '../../src/wal/index.js';
import { backends, tempDir } from './helpers.js';

const root = tempDir();
const SEGMENT = 64 * 1024;

/** Record `i`: `size` bytes (default 1..5000, crossing pages at many offsets), derived from `i`. */
function record(i: number, size = 1 + ((i * 977) % 5000)): Buffer {
  const out = Buffer.alloc(size);
  for (let k = 0; k < size; k++) out[k] = (i * 31 + k * 7 + 1) & 0xff;
  return out;
}

/** Reopens `dir` through the page cache and checks it holds exactly `records`, in seq order. */
async function expectLog(dir: string, backend: (typeof backends)[number], records: Buffer[]): Promise<void> {
  const wal = await Wal.open(dir, { backend, segmentSize: SEGMENT, directIo: false });
  expect(wal.recovery).toMatchObject({ records: records.length, tornBytes: 0 });
  let next = 1;
  await wal.replay(({ seq, data }) => {
    expect(seq).toBe(next);
    if (!(records[seq - 1] as Buffer).equals(data)) throw new Error(`record ${seq} differs`);
    next++;
  });
  expect(next - 1).toBe(records.length);
  await wal.close();
}

describe.each(backends)('direct writes refused on %s', (backend) => {
  it('a log reopened with its newest segment full to its last byte keeps committing', async () => {
    const dir = join(root, `full-${backend}`);
    let wal = await Wal.open(dir, { backend, segmentSize: SEGMENT });
    // 32 (segment header) + 32768 + 32736 (frames: 16-byte header + payload) = 64 KiB exactly.
    const records = [record(0, 32752), record(1, 32720)];
    expect(await wal.append(records[0] as Buffer)).toBe(1);
    expect(await wal.append(records[1] as Buffer)).toBe(2);
    await wal.close();
    // The log ends at the end of the file: a direct read there returns 0 without looking at
    // the memory's alignment, so a probe there accepts any offset.
    wal = await Wal.open(dir, { backend, segmentSize: SEGMENT });
    expect(wal.recovery).toMatchObject({ records: 2, tornBytes: 0 });
    for (let i = 2; i < 40; i++) {
      records.push(record(i));
      expect(await wal.append(record(i))).toBe(i + 1);
    }
    await wal.close();
    await expectLog(dir, backend, records);
  });

  it('a log reopened with its end on a page boundary in never-written (preallocated) space keeps committing', async () => {
    const dir = join(root, `unwritten-${backend}`);
    // No zero-ahead: the space past the log stays unwritten extents, as fallocate left it.
    let wal = await Wal.open(dir, { backend, segmentSize: SEGMENT, zeroAheadBytes: 0 });
    // 32 (segment header) + 4064 (frame: 16 + 4048) = 4096: the log ends where page 1 starts.
    const records = [record(0, 4048)];
    expect(await wal.append(records[0] as Buffer)).toBe(1);
    await wal.close();
    wal = await Wal.open(dir, { backend, segmentSize: SEGMENT, zeroAheadBytes: 0 });
    for (let i = 1; i < 30; i++) {
      records.push(record(i));
      expect(await wal.append(record(i))).toBe(i + 1);
    }
    await wal.close();
    await expectLog(dir, backend, records);
  });

  it('EINVAL from a direct write: the group goes through the page cache, and so does every later one', async () => {
    const dir = join(root, `einval-${backend}`);
    const ring = new IoRing({ backend, deferTaskrun: false, quietLinks: true });
    const direct = new Set<number>();
    let refusals = 0;
    const open = ring.open.bind(ring);
    ring.open = async (path: string, flags?: number, mode?: number) => {
      const fd = await open(path, flags, mode);
      if (flags !== undefined && (flags & constants.O_DIRECT) !== 0) direct.add(fd);
      return fd;
    };
    const closeFile = ring.closeFile.bind(ring);
    ring.closeFile = (fd: number) => {
      direct.delete(fd);
      return closeFile(fd);
    };
    const batch = ring.batch.bind(ring);
    ring.batch = () => {
      const b = batch();
      const write = b.write.bind(b);
      b.write = (...args: Parameters<typeof b.write>) => {
        if (!direct.has(args[0])) return write(...args);
        // What O_DIRECT answers for memory the device cannot reach by DMA: before any I/O.
        refusals++;
        return Promise.reject(
          Object.assign(new Error('EINVAL: invalid argument, write'), { code: 'EINVAL', errno: -22, syscall: 'write' }),
        );
      };
      return b;
    };
    const wal = await Wal.open(dir, { ring, segmentSize: SEGMENT, maxGroupBytes: 8192 });
    const records = Array.from({ length: 60 }, (_, i) => record(i));
    for (let i = 0; i < records.length; i++) expect(await wal.append(records[i] as Buffer)).toBe(i + 1);
    expect(wal.segments).toBeGreaterThan(2); // rolled: the new segments are not tried direct again
    await wal.close();
    ring.close();
    expect(refusals).toBe(1);
    await expectLog(dir, backend, records);
  });
});

describe.each(backends)('short direct writes on %s', (backend) => {
  it('a direct write cut short is completed through the page cache: every record replays intact', async () => {
    const dir = join(root, `short-${backend}`);
    const ring = new IoRing({ backend, deferTaskrun: false, quietLinks: true });
    const direct = new Set<number>();
    let shortened = 0;
    const open = ring.open.bind(ring);
    ring.open = async (path: string, flags?: number, mode?: number) => {
      const fd = await open(path, flags, mode);
      if (flags !== undefined && (flags & constants.O_DIRECT) !== 0) direct.add(fd);
      return fd;
    };
    const closeFile = ring.closeFile.bind(ring);
    ring.closeFile = (fd: number) => {
      direct.delete(fd);
      return closeFile(fd);
    };
    const batch = ring.batch.bind(ring);
    ring.batch = () => {
      const b = batch();
      const write = b.write.bind(b);
      b.write = (...args: Parameters<typeof b.write>) => {
        const [fd, bytes, position, options] = args;
        if (!direct.has(fd) || bytes.byteLength <= 4096) return write(...args);
        // As ENOSPC or a signal part way would: only the first page reaches the disk.
        shortened++;
        return write(fd, (bytes as Uint8Array).subarray(0, 4096), position, options);
      };
      return b;
    };
    const wal = await Wal.open(dir, { ring, segmentSize: SEGMENT, maxGroupBytes: 16 * 1024 });
    const records = Array.from({ length: 50 }, (_, i) => record(i, 1 + ((i * 2711) % 12000)));
    for (let i = 0; i < records.length; i++) expect(await wal.append(records[i] as Buffer)).toBe(i + 1);
    expect(wal.segments).toBeGreaterThan(2);
    await wal.close();
    ring.close();
    expect(shortened).toBeGreaterThan(20);
    await expectLog(dir, backend, records);
  });
});
