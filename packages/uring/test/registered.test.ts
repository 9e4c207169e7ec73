// Registered files and buffers: ops address a file by its index and a buffer in place.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IoRing } from '../src/index.js';
import { backends, checksum, pattern, tempDir } from './helpers/files.js';

const dir = tempDir();

describe.each(backends)('%s: registered files and buffers', (backend) => {
  let ring: IoRing;
  beforeAll(() => {
    ring = new IoRing({ backend });
  });
  afterAll(() => ring.close());

  it('reads, writes and syncs through registered file indexes', async () => {
    const a = join(dir, `${backend}-a`);
    const b = join(dir, `${backend}-b`);
    writeFileSync(a, '');
    writeFileSync(b, '');
    const fds = [await ring.open(a, 'r+'), await ring.open(b, 'r+')];
    ring.registerFiles(fds);
    const data = pattern(10_000, 3);
    expect(await ring.write(1, data, 5, { fixedFile: true })).toBe(10_000);
    await ring.fsync(1, { fixedFile: true, dataOnly: true });
    expect(readFileSync(b).subarray(5).equals(data)).toBe(true);
    expect(readFileSync(a).length).toBe(0);
    const back = Buffer.alloc(10_000);
    expect(await ring.read(1, back, 5, { fixedFile: true })).toBe(10_000);
    expect(checksum(back)).toBe(checksum(data));
    for (const fd of fds) await ring.closeFile(fd);
  });

  it('reads and writes in place inside registered SharedArrayBuffers', async () => {
    const path = join(dir, `${backend}-fixed-buffers`);
    writeFileSync(path, '');
    const buffers = [new Uint8Array(new SharedArrayBuffer(65_536)), new Uint8Array(new SharedArrayBuffer(4096))];
    ring.registerBuffers(buffers);
    const fd = await ring.open(path, 'r+');
    const [big, small] = buffers as [Uint8Array, Uint8Array];
    big.set(pattern(65_536, 8));
    expect(await ring.write(fd, big.subarray(4096, 12_288), 0, { registeredBuffer: 0 })).toBe(8192);
    expect(await ring.read(fd, small, 100, { registeredBuffer: 1 })).toBe(4096);
    expect(Buffer.from(small).equals(Buffer.from(big.subarray(4196, 8292)))).toBe(true);
    expect(() => ring.read(fd, small, 0, { registeredBuffer: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_CORELANE_OUT_OF_RANGE' }),
    );
    expect(() => ring.registerBuffers([new Uint8Array(16)])).toThrow(
      expect.objectContaining({ code: 'ERR_CORELANE_INVALID_ARGUMENT' }),
    );
    await ring.closeFile(fd);
  });
});
