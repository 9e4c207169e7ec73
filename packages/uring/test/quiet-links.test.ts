// quietLinks: the links of a chain that succeed post no completion of their own (on io_uring,
// IOSQE_CQE_SKIP_SUCCESS), yet every op still settles once, with its own result; a link that
// fails or is short still reports its errno or count, and the rest of its chain ECANCELED.
// The thread-pool backend completes each op on its own: the same results on both.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IoRing } from '../src/index.js';
import { backends, checksum, pattern, pipeFd, tempDir } from './helpers/files.js';

const dir = tempDir();

/** A record of `size` bytes that carries its sequence number and the checksum of the rest. */
function record(seq: number, size: number): Buffer {
  const out = pattern(size, seq);
  out.writeUInt32LE(seq, 0);
  out.writeUInt32LE(checksum(out.subarray(8)), 4);
  return out;
}

describe.each(backends)('%s: quiet links', (backend) => {
  let ring: IoRing;
  beforeAll(() => {
    ring = new IoRing({ backend, entries: 128, quietLinks: true, deferTaskrun: false });
  });
  afterAll(() => ring.close());

  it('every link of many write -> write -> fdatasync chains settles once, in order, with its own result', async () => {
    const path = join(dir, `${backend}-chains`);
    const fd = await ring.open(path, 'w+');
    const settled: string[] = [];
    const results: Promise<unknown>[] = [];
    let at = 0;
    const offsets: number[] = [];
    for (let seq = 0; seq < 300; seq++) {
      const a = record(2 * seq, 64 + (seq % 61));
      const b = record(2 * seq + 1, 32 + (seq % 17));
      const batch = ring.batch();
      offsets.push(at, at + a.length);
      results.push(batch.write(fd, a, at, { link: true }).then((n) => settled.push(`a${seq}:${n}`)));
      results.push(batch.write(fd, b, at + a.length, { link: true }).then((n) => settled.push(`b${seq}:${n}`)));
      results.push(batch.fsync(fd, { dataOnly: true }).then((v) => settled.push(`s${seq}:${String(v)}`)));
      at += a.length + b.length;
      expect(batch.submit()).toBe(3);
      if (seq % 3 === 0) await results.at(-1); // some chains one at a time, some overlapping
    }
    await Promise.all(results);
    expect(settled).toHaveLength(900);
    for (let seq = 0; seq < 300; seq++) {
      const a = settled.indexOf(`a${seq}:${64 + (seq % 61)}`);
      const b = settled.indexOf(`b${seq}:${32 + (seq % 17)}`);
      const s = settled.indexOf(`s${seq}:undefined`);
      expect(a).toBeGreaterThanOrEqual(0);
      expect(b).toBeGreaterThan(a);
      expect(s).toBeGreaterThan(b);
    }
    const file = readFileSync(path);
    offsets.forEach((offset, seq) => {
      expect(file.readUInt32LE(offset)).toBe(seq);
      const size = seq % 2 === 0 ? 64 + ((seq / 2) % 61) : 32 + (((seq - 1) / 2) % 17);
      expect(file.readUInt32LE(offset + 4)).toBe(checksum(file.subarray(offset + 8, offset + size)));
    });
    await ring.closeFile(fd);
  });

  it('a failed link still rejects with its errno; the links after it reject with ECANCELED', async () => {
    const path = join(dir, `${backend}-failed`);
    writeFileSync(path, 'read only file');
    const readOnly = await ring.open(path, 'r');
    const batch = ring.batch();
    const first = batch.read(readOnly, Buffer.alloc(4), 0, { link: true });
    const failing = batch.write(readOnly, Buffer.from('x'), 0, { link: true });
    const after = batch.fsync(readOnly, { link: true });
    const last = batch.read(readOnly, Buffer.alloc(4), 0);
    const alone = batch.read(readOnly, Buffer.alloc(9), 5);
    batch.submit();
    await Promise.all([
      expect(first).resolves.toBe(4),
      expect(failing).rejects.toMatchObject({ code: 'EBADF', errno: -9, syscall: 'write' }),
      expect(after).rejects.toMatchObject({ code: 'ECANCELED', syscall: 'fsync' }),
      expect(last).rejects.toMatchObject({ code: 'ECANCELED', syscall: 'read' }),
      expect(alone).resolves.toBe(9),
    ]);
    await ring.closeFile(readOnly);
  });

  it('a short link still resolves with its own count, and breaks its chain', async () => {
    const path = join(dir, `${backend}-short`);
    writeFileSync(path, pattern(100, 3));
    const fd = await ring.open(path, 'r+');
    const batch = ring.batch();
    const full = batch.read(fd, Buffer.alloc(40), 0, { link: true });
    const short = batch.read(fd, Buffer.alloc(200), 0, { link: true });
    const never = batch.write(fd, Buffer.from('XYZ'), 0, { link: true });
    const neverSync = batch.fsync(fd);
    const vector = ring.batch();
    const shortVector = vector.readv(fd, [Buffer.alloc(64), Buffer.alloc(64)], 0, { link: true });
    const neverToo = vector.write(fd, Buffer.from('XYZ'), 0);
    batch.submit();
    vector.submit();
    await Promise.all([
      expect(full).resolves.toBe(40),
      expect(short).resolves.toBe(100),
      expect(never).rejects.toMatchObject({ code: 'ECANCELED', syscall: 'write' }),
      expect(neverSync).rejects.toMatchObject({ code: 'ECANCELED', syscall: 'fsync' }),
      expect(shortVector).resolves.toBe(100),
      expect(neverToo).rejects.toMatchObject({ code: 'ECANCELED' }),
    ]);
    expect(checksum(readFileSync(path))).toBe(checksum(pattern(100, 3)));
    await ring.closeFile(fd);
  });

  it('reads a quiet link infers complete land in their buffers', async () => {
    const path = join(dir, `${backend}-read-back`);
    const bytes = pattern(4096, 9);
    writeFileSync(path, bytes);
    const fd = await ring.open(path, 'r');
    const batch = ring.batch();
    const views = [Buffer.alloc(1000), new Uint8Array(new SharedArrayBuffer(1000)), Buffer.alloc(96)];
    const reads = views.map((view, i) => batch.read(fd, view, i * 1000, { link: i < 2 }));
    batch.submit();
    expect(await Promise.all(reads)).toEqual([1000, 1000, 96]);
    views.forEach((view, i) => {
      expect(checksum(view)).toBe(checksum(bytes.subarray(i * 1000, i * 1000 + view.byteLength)));
    });
    await ring.closeFile(fd);
  });

  it('a link refused at submit ends its chain there: the link before it still settles', async () => {
    const path = join(dir, `${backend}-refused`);
    const fd = await ring.open(path, 'w+');
    const batch = ring.batch();
    const aborted = new AbortController();
    const before = batch.write(fd, Buffer.from('kept'), 0, { link: true });
    const refused = batch.write(fd, Buffer.from('gone'), 4, { link: true, signal: aborted.signal });
    const after = batch.fsync(fd);
    aborted.abort();
    batch.submit();
    await Promise.all([
      expect(before).resolves.toBe(4),
      expect(refused).rejects.toMatchObject({ code: 'ERR_CORELANE_CANCELLED' }),
      expect(after).rejects.toMatchObject({ code: 'ECANCELED' }),
    ]);
    expect(readFileSync(path, 'utf8')).toBe('kept');
    await ring.closeFile(fd);
  });

  it('chains whose completions outnumber the completion array: none lost, none twice', async () => {
    // entries 32: a completion array of 64; three chains of 31 writes settle 93 ops from 3 CQEs.
    const small = new IoRing({ backend, entries: 32, quietLinks: true });
    try {
      const path = join(dir, `${backend}-many`);
      const fd = await small.open(path, 'w+');
      for (let round = 0; round < 20; round++) {
        const batch = small.batch();
        const expected: number[] = [];
        const writes: Promise<number>[] = [];
        let at = 0;
        for (let chain = 0; chain < 3; chain++) {
          for (let i = 0; i < 31; i++) {
            const seq = round * 1000 + chain * 100 + i;
            const r = record(seq, 16 + ((seq * 7) % 50));
            expected.push(r.length);
            writes.push(batch.write(fd, r, at, { link: i < 30 }));
            at += r.length;
          }
        }
        batch.submit();
        // Block the thread (no event loop) while the kernel finishes all three chains, then reap
        // them in one call: 93 completions from 3 CQEs into room for 64.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
        small.poll();
        let settledTimes = 0;
        const results = await Promise.all(
          writes.map((w) =>
            w.then((n) => {
              settledTimes++;
              return n;
            }),
          ),
        );
        expect(results).toEqual(expected);
        expect(settledTimes).toBe(93);
      }
      expect(small.inFlight).toBe(0);
      await small.closeFile(fd);
    } finally {
      small.close();
    }
  });

  it('close() with a quiet chain in flight: every link rejects, none hangs', async () => {
    const closing = new IoRing({ backend, entries: 16, quietLinks: true });
    const fd = pipeFd(dir, `${backend}-pipe`);
    const batch = closing.batch();
    const blocked = batch.read(fd, Buffer.alloc(8), -1, { link: true });
    const next = batch.write(fd, Buffer.from('x'), -1, { link: true });
    const last = batch.fsync(fd);
    batch.submit();
    closing.close();
    await Promise.all([
      expect(blocked).rejects.toMatchObject({ code: 'ERR_CORELANE_CANCELLED' }),
      expect(next).rejects.toThrow(),
      expect(last).rejects.toThrow(),
    ]);
    expect(closing.inFlight).toBe(0);
  });

  it('refuses drain: the kernel refuses IOSQE_IO_DRAIN on a ring that skipped a completion', async () => {
    const fd = await ring.open(join(dir, `${backend}-drain`), 'w+');
    const batch = ring.batch();
    expect(() => batch.fsync(fd, { drain: true })).toThrow(
      expect.objectContaining({ code: 'ERR_CORELANE_INVALID_STATE' }),
    );
    expect(batch.size).toBe(0);
    batch.submit();
    await ring.closeFile(fd);
  });

  it('options.quietLinks must be a boolean', () => {
    expect(() => new IoRing({ backend, quietLinks: 1 as unknown as boolean })).toThrow(
      expect.objectContaining({ code: 'ERR_CORELANE_INVALID_ARGUMENT' }),
    );
  });
});
