// Bytes written through the ring come back identical, at any size and offset (aligned or not),
// and byte counts match what node:fs reports for the same calls.
import { closeSync, openSync, readFileSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IoRing } from '../src/index.js';
import { backends, checksum, pattern, pipeFd, tempDir } from './helpers/files.js';

const dir = tempDir();
const sizes = [0, 1, 7, 511, 512, 4095, 4096, 4097, 65_536, 200_003];
const offsets = [0, 1, 511, 4096, 12_345, 1 << 20];

describe.each(backends)('%s: read and write', (backend) => {
  let ring: IoRing;
  beforeAll(() => {
    ring = new IoRing({ backend });
    expect(ring.backend).toBe(backend);
  });
  afterAll(() => ring.close());

  it('writes then reads back every size at every offset, with matching checksums', async () => {
    const path = join(dir, `${backend}-grid`);
    const fd = await ring.open(path, 'w+');
    const cases = sizes.flatMap((size) => offsets.map((offset) => ({ size, offset })));
    for (const [i, { size, offset }] of cases.entries()) {
      const data = pattern(size, i + 1);
      expect(await ring.write(fd, data, offset)).toBe(size);
      const back = Buffer.alloc(size);
      expect(await ring.read(fd, back, offset)).toBe(size);
      expect(checksum(back)).toBe(checksum(data));
      // The same bytes through node:fs, which shares nothing with the ring.
      const viaFs = Buffer.alloc(size);
      expect(readSync(openSync(path, 'r'), viaFs, 0, size, offset)).toBe(size);
      expect(viaFs.equals(data)).toBe(true);
    }
    await ring.closeFile(fd);
  });

  it('runs many writes in flight at once, then reads them all back', async () => {
    const path = join(dir, `${backend}-many`);
    const fd = await ring.open(path, 'w+');
    const chunks = Array.from({ length: 200 }, (_, i) => pattern(1000 + (i % 7) * 333, 1000 + i));
    const starts: number[] = [];
    let at = 3; // unaligned on purpose
    for (const chunk of chunks) {
      starts.push(at);
      at += chunk.length;
    }
    const written = await Promise.all(chunks.map((chunk, i) => ring.write(fd, chunk, starts[i])));
    expect(written).toEqual(chunks.map((c) => c.length));
    const backs = chunks.map((c) => Buffer.alloc(c.length));
    const read = await Promise.all(backs.map((b, i) => ring.read(fd, b, starts[i])));
    expect(read).toEqual(chunks.map((c) => c.length));
    backs.forEach((b, i) => {
      expect(checksum(b)).toBe(checksum(chunks[i] as Buffer));
    });
    await ring.closeFile(fd);
  });

  it('reads short at end of file and 0 past it, like fs.readSync', async () => {
    const path = join(dir, `${backend}-eof`);
    writeFileSync(path, pattern(10_000, 7));
    const fd = await ring.open(path, 'r');
    const fsFd = openSync(path, 'r');
    for (const [position, size] of [
      [9_990, 100],
      [10_000, 100],
      [20_000, 4096],
      [0, 10_000],
      [1, 10_000],
    ] as const) {
      const ours = Buffer.alloc(size);
      const theirs = Buffer.alloc(size);
      const n = await ring.read(fd, ours, position);
      expect(n).toBe(readSync(fsFd, theirs, 0, size, position));
      expect(ours.subarray(0, n).equals(theirs.subarray(0, n))).toBe(true);
    }
    await ring.closeFile(fd);
  });

  it('honours offset and length inside the buffer, and the current position with null', async () => {
    const path = join(dir, `${backend}-slice`);
    const fd = await ring.open(path, 'w+');
    const data = pattern(100, 3);
    expect(await ring.write(fd, data, null, { offset: 10, length: 50 })).toBe(50);
    expect(await ring.write(fd, data, null, { offset: 60, length: 40 })).toBe(40);
    expect(readFileSync(path).equals(data.subarray(10, 100))).toBe(true);
    const into = Buffer.alloc(30, 0xee);
    expect(await ring.read(fd, into, 5, { offset: 10, length: 10 })).toBe(10);
    expect(into.subarray(10, 20).equals(data.subarray(15, 25))).toBe(true);
    expect(into[9]).toBe(0xee);
    expect(into[20]).toBe(0xee);
    await ring.closeFile(fd);
  });

  it('readv and writev move several buffers in order', async () => {
    const path = join(dir, `${backend}-vec`);
    const fd = await ring.open(path, 'w+');
    const parts = [pattern(3, 1), pattern(4096, 2), pattern(0, 3), pattern(777, 4)];
    const total = parts.reduce((n, p) => n + p.length, 0);
    expect(await ring.writev(fd, parts, 123)).toBe(total);
    const backs = parts.map((p) => Buffer.alloc(p.length));
    expect(await ring.readv(fd, backs, 123)).toBe(total);
    backs.forEach((b, i) => {
      expect(b.equals(parts[i] as Buffer)).toBe(true);
    });
    // Short readv at end of file: the bytes fill the views in order.
    const tail = [Buffer.alloc(500), Buffer.alloc(500)];
    expect(await ring.readv(fd, tail, 123 + total - 600)).toBe(600);
    expect(
      Buffer.concat(tail)
        .subarray(0, 600)
        .equals(Buffer.concat(parts).subarray(total - 600)),
    ).toBe(true);
    await ring.closeFile(fd);
  });

  it('reads into and writes from typed arrays and views over SharedArrayBuffers (zero copy)', async () => {
    const path = join(dir, `${backend}-shared`);
    const fd = await ring.open(path, 'w+');
    const shared = new Uint8Array(new SharedArrayBuffer(8192));
    shared.set(pattern(8192, 9));
    expect(await ring.write(fd, shared, 0)).toBe(8192);
    const words = new Uint32Array(1024);
    expect(await ring.read(fd, words, 0)).toBe(4096);
    expect(Buffer.from(words.buffer).equals(Buffer.from(shared.buffer, 0, 4096))).toBe(true);
    const sharedBack = new Uint8Array(new SharedArrayBuffer(8192));
    expect(await ring.read(fd, new DataView(sharedBack.buffer, 100, 1000), 100)).toBe(1000);
    expect(Buffer.from(sharedBack.buffer, 100, 1000).equals(Buffer.from(shared.buffer, 100, 1000))).toBe(true);
    await ring.closeFile(fd);
  });

  it('reuses op ids while one op stays in flight: every op settles with its own bytes', async () => {
    const fifo = pipeFd(dir, `${backend}-reuse-fifo`);
    const waiting = new Uint8Array(new SharedArrayBuffer(64)); // in place: no bounce copy
    const long = ring.read(fifo, waiting, null); // nothing to read yet: holds its id throughout
    const path = join(dir, `${backend}-reuse`);
    const data = pattern(4096, 13);
    writeFileSync(path, data);
    const fd = await ring.open(path, 'r');
    for (let round = 0; round < 100; round++) {
      const views = [0, 1, 2].map(() => new Uint8Array(new SharedArrayBuffer(16)));
      const at = (round * 48) % 4080; // 85 rounds of 48 bytes, then from the start again
      expect(await Promise.all(views.map((view, i) => ring.read(fd, view, at + i * 16)))).toEqual([16, 16, 16]);
      expect(Buffer.concat(views).equals(data.subarray(at, at + 48))).toBe(true);
    }
    expect(ring.inFlight).toBe(1);
    writeSync(fifo, pattern(40, 14));
    expect(await long).toBe(40);
    expect(Buffer.from(waiting.buffer, 0, 40).equals(pattern(40, 14))).toBe(true);
    await ring.closeFile(fd);
    closeSync(fifo);
  });

  it('a buffer detached while its read is in flight is left untouched, and the read still settles', async () => {
    const fd = pipeFd(dir, `${backend}-detach-fifo`);
    const buffer = new Uint8Array(4096);
    const pending = ring.read(fd, buffer, null); // nothing to read yet: in flight until we write
    ring.submit();
    expect(ring.inFlight).toBe(1);
    const moved = structuredClone(buffer.buffer, { transfer: [buffer.buffer] });
    expect(buffer.byteLength).toBe(0);
    writeSync(fd, pattern(100, 11));
    expect(await pending).toBe(100);
    // The kernel wrote into ring-owned memory; the transferred bytes are still the zeros JS had.
    expect(new Uint8Array(moved).every((b) => b === 0)).toBe(true);
    closeSync(fd);
  });

  it('a buffer detached after the call but before the submit rejects, and nothing is read', async () => {
    const path = join(dir, `${backend}-detach-staged`);
    writeFileSync(path, pattern(4096, 12));
    const fd = await ring.open(path, 'r');
    const buffer = new Uint8Array(4096);
    const pending = ring.read(fd, buffer, 0);
    structuredClone(buffer.buffer, { transfer: [buffer.buffer] });
    await expect(pending).rejects.toMatchObject({ code: 'ERR_CORELANE_INVALID_ARGUMENT' });
    await ring.closeFile(fd);
  });
});
