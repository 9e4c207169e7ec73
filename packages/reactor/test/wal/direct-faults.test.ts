// Direct group writes (direct.ts) under faults, on both uring backends, on os.tmpdir() (a block
// device here: tmpfs takes O_DIRECT at any alignment, so the alignment cases would prove nothing
// there). The alignment probe must not be fooled by a direct read that checks nothing; an EINVAL
// from a direct write sends the group through the page cache; a short direct write is completed;
// a torn one (first page only, then a crash) is cut by recovery and never replayed.
import { constants, cpSync, readdirSync, readlinkSync } from 'node:fs';
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

type BatchWrite = ReturnType<IoRing['batch']>['write'];

/**
 * A ring whose batch writes to an O_DIRECT descriptor (the direct writer's) go to `onDirect`,
 * given the real write; every other op is the ring's own.
 */
function directSpy(
  backend: (typeof backends)[number],
  onDirect: (write: BatchWrite, ...args: Parameters<BatchWrite>) => Promise<number>,
): IoRing {
  const ring = new IoRing({ backend, deferTaskrun: false, quietLinks: true });
  const direct = new Set<number>();
  const open = ring.open.bind(ring);
  ring.open = async (path: string, flags?: number, mode?: number) => {
    const fd = await open(path, flags, mode);
    if (flags !== undefined && (flags & constants.O_DIRECT) !== 0) direct.add(fd);
    return fd;
  };
  const closeFile = ring.closeFile.bind(ring);
  ring.closeFile = (fd: number) => {
    direct.delete(fd); // its number goes to the next file opened
    return closeFile(fd);
  };
  const batch = ring.batch.bind(ring);
  ring.batch = () => {
    const b = batch();
    const write = b.write.bind(b);
    b.write = (...args: Parameters<BatchWrite>) => (direct.has(args[0]) ? onDirect(write, ...args) : write(...args));
    return b;
  };
  return ring;
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
    let refusals = 0;
    const ring = directSpy(backend, () => {
      // What O_DIRECT answers for memory the device cannot reach by DMA: before any I/O.
      refusals++;
      return Promise.reject(
        Object.assign(new Error('EINVAL: invalid argument, write'), { code: 'EINVAL', errno: -22, syscall: 'write' }),
      );
    });
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
    let shortened = 0;
    const ring = directSpy(backend, (write, ...args) => {
      const [fd, bytes, position, options] = args;
      if (bytes.byteLength <= 4096) return write(...args);
      // As ENOSPC or a signal part way would: only the first page reaches the disk.
      shortened++;
      return write(fd, (bytes as Uint8Array).subarray(0, 4096), position, options);
    });
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

describe.each(backends)('a torn direct write on %s', (backend) => {
  it('only its first page on the disk: recovery cuts the torn record, keeps every acknowledged one, and the log goes on', async () => {
    const dir = join(root, `torn-${backend}`);
    const crashed = join(root, `torn-crashed-${backend}`);
    let tear = false;
    let torn = 0;
    const ring = directSpy(backend, (write, ...args) => {
      const [fd, bytes, position, options] = args;
      if (!tear) return write(...args);
      tear = false;
      torn++;
      // The device took the first page, then power went: what a restart finds is the copy.
      return write(fd, (bytes as Uint8Array).subarray(0, 4096), position, options).then(() => {
        cpSync(dir, crashed, { recursive: true });
        throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO', errno: -5, syscall: 'write' });
      });
    });
    const wal = await Wal.open(dir, { ring, segmentSize: SEGMENT, maxGroupBytes: 16 * 1024 });
    const records = Array.from({ length: 10 }, (_, i) => record(i, 100 + i * 300));
    for (let i = 0; i < records.length; i++) expect(await wal.append(records[i] as Buffer)).toBe(i + 1);
    tear = true;
    // One record of 6000 bytes: the first page of its write ends inside it.
    await expect(wal.append(record(99, 6000))).rejects.toMatchObject({ code: 'ERR_CORELANE_SYSTEM', errnoName: 'EIO' });
    expect(torn).toBe(1);
    // The log goes on after the error: the next append takes seq 11.
    records.push(record(10, 7000));
    expect(await wal.append(records[10] as Buffer)).toBe(11);
    await wal.close();
    ring.close();
    await expectLog(dir, backend, records);
    // The crash image: the torn record is cut, never replayed; the ten acknowledged ones stay.
    const again = await Wal.open(crashed, { backend, segmentSize: SEGMENT });
    expect(again.recovery.tornBytes).toBeGreaterThan(0);
    expect(again.recovery.records).toBe(10);
    expect(await again.append(record(10, 7000))).toBe(11);
    await again.close();
    await expectLog(crashed, backend, records);
  });
});

describe.each(backends)('replay during direct writes on %s', (backend) => {
  it('a replay started while groups go direct sees every record acknowledged before it, intact and in order', async () => {
    const dir = join(root, `replay-${backend}`);
    let directWrites = 0;
    const ring = directSpy(backend, (write, ...args) => {
      directWrites++;
      return write(...args);
    });
    const wal = await Wal.open(dir, { ring, segmentSize: SEGMENT, maxGroupBytes: 16 * 1024 });
    const records = Array.from({ length: 120 }, (_, i) => record(i, 1 + ((i * 1231) % 6000)));
    const replays: Promise<void>[] = [];
    for (let i = 0; i < records.length; i++) {
      expect(await wal.append(records[i] as Buffer)).toBe(i + 1);
      if (i % 4 !== 0) continue;
      const acked = i + 1;
      // Not awaited here: it reads the pages the next direct writes rewrite.
      replays.push(
        (async () => {
          let next = 1;
          await wal.replay(({ seq, data }) => {
            expect(seq).toBe(next);
            if (!(records[seq - 1] as Buffer).equals(data)) throw new Error(`record ${seq} differs in a replay`);
            next++;
          });
          expect(next - 1).toBeGreaterThanOrEqual(acked);
        })(),
      );
    }
    await Promise.all(replays);
    expect(wal.segments).toBeGreaterThan(3);
    await wal.close();
    ring.close();
    expect(directWrites).toBeGreaterThanOrEqual(records.length);
    await expectLog(dir, backend, records);
  });
});

/** This process's descriptors of files under `dir` (from /proc). */
function descriptorsUnder(dir: string): string[] {
  const out: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(dir)) out.push(target);
    } catch {
      // The directory's own descriptor from readdirSync, closed by now.
    }
  }
  return out;
}

describe.each(backends)('descriptors of direct writes on %s', (backend) => {
  it('none outlives close(): direct, refused with EINVAL, and cut short, across rolls', async () => {
    const dir = join(root, `fds-${backend}`);
    const einval = () =>
      Promise.reject(
        Object.assign(new Error('EINVAL: invalid argument, write'), { code: 'EINVAL', errno: -22, syscall: 'write' }),
      );
    const rings = [
      directSpy(backend, (write, ...args) => write(...args)),
      directSpy(backend, einval),
      directSpy(backend, (write, fd, bytes, position, options) =>
        write(fd, (bytes as Uint8Array).subarray(0, Math.min(4096, bytes.byteLength)), position, options),
      ),
    ];
    let count = 0;
    for (const ring of rings) {
      const wal = await Wal.open(dir, { ring, segmentSize: SEGMENT, maxGroupBytes: 16 * 1024 });
      const segments = wal.segments;
      for (let i = 0; i < 30; i++) expect(await wal.append(record(count + i))).toBe(count + i + 1);
      expect(wal.segments).toBeGreaterThan(segments); // rolled
      count += 30;
      expect(descriptorsUnder(dir).length).toBeGreaterThan(0);
      await wal.close();
      expect(descriptorsUnder(dir)).toEqual([]);
      ring.close();
    }
    await expectLog(
      dir,
      backend,
      Array.from({ length: count }, (_, i) => record(i)),
    );
  });
});
