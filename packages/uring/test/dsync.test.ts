// write(..., { dsync: true }): a write durable when it completes (RWF_DSYNC; the thread pool's
// pwritev2). What a test can see of it: the bytes land where they should and read back through
// node:fs, the count is the write's, it links like any write, errors carry the write's errno,
// and only write() takes the flag (writev/readv refuse it). (Durability itself would take a power cut to observe.)
import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IoRing } from '../src/index.js';
import { backends, checksum, pattern, tempDir } from './helpers/files.js';

const dir = tempDir();

describe.each(backends)('%s: dsync writes', (backend) => {
  let ring: IoRing;
  beforeAll(() => {
    ring = new IoRing({ backend, quietLinks: true });
  });
  afterAll(() => ring.close());

  it('writes every size at every offset, read back intact through node:fs', async () => {
    const path = join(dir, `${backend}-grid`);
    const fd = await ring.open(path, 'w+');
    const shared = new Uint8Array(new SharedArrayBuffer(70_001));
    const reader = openSync(path, 'r');
    let i = 0;
    for (const size of [1, 144, 4096, 4097, 70_001]) {
      for (const offset of [0, 3, 4096, 1 << 20]) {
        const data = pattern(size, ++i);
        // A plain Uint8Array (copied natively) and a SharedArrayBuffer view (used in place).
        const view = i % 2 === 0 ? data : shared.subarray(0, size);
        if (view !== data) view.set(data);
        expect(await ring.write(fd, view, offset, { dsync: true })).toBe(size);
        const back = Buffer.alloc(size);
        expect(readSync(reader, back, 0, size, offset)).toBe(size);
        expect(checksum(back)).toBe(checksum(data));
      }
    }
    closeSync(reader);
    await ring.closeFile(fd);
  });

  it('in a batch: a dsync write linked to the next op, and a chain broken by a failed one', async () => {
    const path = join(dir, `${backend}-linked`);
    const fd = await ring.open(path, 'w+');
    const a = pattern(1000, 1);
    const b = pattern(2000, 2);
    const batch = ring.batch();
    const first = batch.write(fd, a, 0, { dsync: true, link: true });
    const second = batch.write(fd, b, 1000, { dsync: true });
    batch.submit();
    expect(await Promise.all([first, second])).toEqual([1000, 2000]);
    const back = Buffer.alloc(3000);
    expect(readSync(openSync(path, 'r'), back, 0, 3000, 0)).toBe(3000);
    expect(back.equals(Buffer.concat([a, b]))).toBe(true);
    const readOnly = await ring.open(path, 'r');
    const broken = ring.batch();
    const failed = broken.write(readOnly, a, 0, { dsync: true, link: true });
    const cancelled = broken.fsync(readOnly, { dataOnly: true });
    broken.submit();
    await expect(failed).rejects.toMatchObject({ code: 'EBADF', syscall: 'write' });
    await expect(cancelled).rejects.toMatchObject({ code: 'ECANCELED' });
    await ring.closeFile(readOnly);
    await ring.closeFile(fd);
  });

  it('only write() takes it: read() throws a TypeError before anything is submitted', async () => {
    const fd = await ring.open(join(dir, `${backend}-read`), 'w+');
    const before = ring.inFlight;
    expect(() => ring.read(fd, Buffer.alloc(8), 0, { dsync: true })).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_CORELANE_INVALID_ARGUMENT' }),
    );
    expect(() => ring.write(fd, Buffer.alloc(8), 0, { dsync: 1 as unknown as boolean })).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_CORELANE_INVALID_ARGUMENT' }),
    );
    expect(ring.inFlight).toBe(before);
    await ring.closeFile(fd);
  });

  it('writev() and readv() refuse dsync: true (never a plain write in its place) and accept dsync: false', async () => {
    const fd = await ring.open(join(dir, `${backend}-vector`), 'w+');
    const asked = { dsync: true } as unknown as Parameters<IoRing['writev']>[3];
    const before = ring.inFlight;
    expect(() => ring.writev(fd, [Buffer.alloc(8, 1)], 0, asked)).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_CORELANE_INVALID_ARGUMENT' }),
    );
    expect(() => ring.readv(fd, [Buffer.alloc(8)], 0, asked)).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_CORELANE_INVALID_ARGUMENT' }),
    );
    expect(ring.inFlight).toBe(before);
    const plain = { dsync: false } as unknown as Parameters<IoRing['writev']>[3];
    expect(await ring.writev(fd, [Buffer.alloc(8, 2)], 0, plain)).toBe(8);
    await ring.closeFile(fd);
  });
});
