// Batches: one submit for many ops, linked chains that keep their order and stop at a failure,
// timeouts, and poll() that settles completions without yielding to the event loop.
import { closeSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IoRing } from '../src/index.js';
import { backends, checksum, pattern, pipeFd, tempDir } from './helpers/files.js';

const dir = tempDir();

describe.each(backends)('%s: batches', (backend) => {
  let ring: IoRing;
  beforeAll(() => {
    ring = new IoRing({ backend, entries: 64 });
  });
  afterAll(() => ring.close());

  it('submits many ops in one call and settles each with its own result', async () => {
    const path = join(dir, `${backend}-batch`);
    const fd = await ring.open(path, 'w+');
    const batch = ring.batch();
    const records = Array.from({ length: 300 }, (_, i) => pattern(100 + i, i));
    let at = 0;
    const writes = records.map((r) => {
      const p = batch.write(fd, r, at);
      at += r.length;
      return p;
    });
    expect(ring.inFlight).toBe(0); // queued in the batch, nothing staged yet
    expect(batch.submit()).toBe(300); // more than the 64 entries: the ring submits in rounds
    expect(await Promise.all(writes)).toEqual(records.map((r) => r.length));
    expect(checksum(readFileSync(path))).toBe(checksum(Buffer.concat(records)));
    await ring.closeFile(fd);
  });

  it('linked write -> fdatasync: each sync settles after its write, the data is on file', async () => {
    const path = join(dir, `${backend}-linked`);
    const fd = await ring.open(path, 'w+');
    const order: string[] = [];
    const batch = ring.batch();
    const settled: Promise<unknown>[] = [];
    for (let seq = 0; seq < 40; seq++) {
      const record = Buffer.alloc(512);
      record.writeUInt32LE(seq, 0);
      record.writeUInt32LE(checksum(pattern(508, seq)), 4);
      settled.push(batch.write(fd, record, seq * 512, { link: true }).then(() => order.push(`w${seq}`)));
      settled.push(batch.fsync(fd, { dataOnly: true }).then(() => order.push(`s${seq}`)));
    }
    batch.submit();
    await Promise.all(settled);
    for (let seq = 0; seq < 40; seq++) expect(order.indexOf(`w${seq}`)).toBeLessThan(order.indexOf(`s${seq}`));
    const file = readFileSync(path);
    for (let seq = 0; seq < 40; seq++) {
      expect(file.readUInt32LE(seq * 512)).toBe(seq);
      expect(file.readUInt32LE(seq * 512 + 4)).toBe(checksum(pattern(508, seq)));
    }
    await ring.closeFile(fd);
  });

  it('drain: the fdatasync starts after every write before it, and what follows waits for it', async () => {
    const path = join(dir, `${backend}-drain`);
    const fd = await ring.open(path, 'w+');
    const order: string[] = [];
    const batch = ring.batch();
    const settled: Promise<unknown>[] = [];
    for (let i = 0; i < 8; i++) {
      settled.push(batch.write(fd, pattern(65_536, i), i * 65_536).then(() => order.push(`w${i}`)));
    }
    settled.push(batch.fsync(fd, { dataOnly: true, drain: true }).then(() => order.push('sync')));
    settled.push(batch.read(fd, Buffer.alloc(16), 0).then(() => order.push('read')));
    batch.submit();
    await Promise.all(settled);
    expect(order.slice(8)).toEqual(['sync', 'read']);
    expect(checksum(readFileSync(path))).toBe(
      checksum(Buffer.concat(Array.from({ length: 8 }, (_, i) => pattern(65_536, i)))),
    );
    await ring.closeFile(fd);
  });

  it('a failed op breaks its chain: the linked ops after it reject with ECANCELED, other chains run', async () => {
    const path = join(dir, `${backend}-broken`);
    writeFileSync(path, 'read only');
    const readOnly = await ring.open(path, 'r');
    const batch = ring.batch();
    const failing = batch.write(readOnly, Buffer.from('x'), 0, { link: true });
    const after = batch.fsync(readOnly, { link: true });
    const last = batch.read(readOnly, Buffer.alloc(4), 0);
    const independent = batch.read(readOnly, Buffer.alloc(4), 0);
    batch.submit();
    await Promise.all([
      expect(failing).rejects.toMatchObject({ code: 'EBADF', syscall: 'write' }),
      expect(after).rejects.toMatchObject({ code: 'ECANCELED', syscall: 'fsync' }),
      expect(last).rejects.toMatchObject({ code: 'ECANCELED', syscall: 'read' }),
      expect(independent).resolves.toBe(4),
    ]);
    await ring.closeFile(readOnly);
  });

  it('a short read breaks its chain like io_uring does', async () => {
    const path = join(dir, `${backend}-short`);
    writeFileSync(path, pattern(100, 1));
    const fd = await ring.open(path, 'r');
    const batch = ring.batch();
    const short = batch.read(fd, Buffer.alloc(200), 0, { link: true });
    const next = batch.read(fd, Buffer.alloc(10), 0);
    batch.submit();
    await Promise.all([expect(short).resolves.toBe(100), expect(next).rejects.toMatchObject({ code: 'ECANCELED' })]);
    await ring.closeFile(fd);
  });

  it('a short readv breaks its chain too: the write linked after it never runs', async () => {
    const path = join(dir, `${backend}-short-vector`);
    writeFileSync(path, 'abc');
    const fd = await ring.open(path, 'r+');
    const batch = ring.batch();
    const short = batch.readv(fd, [Buffer.alloc(8), Buffer.alloc(8)], 0, { link: true });
    const next = batch.write(fd, Buffer.from('XYZ'), 0);
    batch.submit();
    await Promise.all([expect(short).resolves.toBe(3), expect(next).rejects.toMatchObject({ code: 'ECANCELED' })]);
    expect(readFileSync(path, 'utf8')).toBe('abc');
    await ring.closeFile(fd);
  });
  it('timeouts resolve; an expired timeout stops its chain', async () => {
    const batch = ring.batch();
    const plain = batch.timeout(5);
    const head = batch.timeout(1, { link: true });
    const follower = batch.timeout(1);
    batch.submit();
    await Promise.all([
      expect(plain).resolves.toBeUndefined(),
      expect(head).resolves.toBeUndefined(),
      expect(follower).rejects.toMatchObject({ code: 'ECANCELED' }),
    ]);
  });

  it('single ops go to the kernel once submitEvery are staged, the rest at the end of the turn', async () => {
    const eager = new IoRing({ backend, submitEvery: 3 });
    const fd = await eager.open(process.execPath, 'r');
    const heads = Array.from({ length: 7 }, () => Buffer.alloc(4));
    const reads = heads.map((head) => eager.read(fd, head, 0));
    expect(eager.submit()).toBe(1); // 3 + 3 went while they were staged
    expect(await Promise.all(reads)).toEqual([4, 4, 4, 4, 4, 4, 4]);
    for (const head of heads) expect(head.toString('latin1')).toBe('\x7fELF');
    const lazy = Array.from({ length: 7 }, () => eager.timeout(0));
    expect(eager.submit()).toBe(1);
    await Promise.all(lazy);
    const byDefault = Array.from({ length: 7 }, () => ring.timeout(0));
    expect(ring.submit()).toBe(7); // the default, 8, was not reached
    await Promise.all(byDefault);
    await eager.closeFile(fd);
    eager.close();
  });

  it('poll() settles completions without yielding to the event loop', async () => {
    const fd = pipeFd(dir, `${backend}-poll-fifo`);
    const batch = ring.batch();
    const buffers = Array.from({ length: 4 }, () => Buffer.alloc(64));
    const results: number[] = [];
    for (const b of buffers) batch.read(fd, b, null).then((n) => results.push(n));
    batch.submit();
    expect(ring.poll()).toBe(0); // nothing written to the pipe yet: nothing to settle
    expect(ring.inFlight).toBe(4);
    for (let i = 0; i < 4; i++) writeSync(fd, Buffer.alloc(64, i + 1));
    const deadline = Date.now() + 20_000;
    let settled = 0;
    while (ring.inFlight > 0 && Date.now() < deadline) settled += ring.poll();
    expect(ring.inFlight).toBe(0);
    expect(settled).toBe(4);
    await new Promise((resolve) => setImmediate(resolve)); // let the settled promises' reactions run
    expect(results).toEqual([64, 64, 64, 64]);
    // Each read took one whole 64-byte message, in some order: every message seen once.
    expect(buffers.map((b) => b[0]).sort()).toEqual([1, 2, 3, 4]);
    for (const b of buffers) expect(b.every((x) => x === b[0])).toBe(true);
    closeSync(fd);
  });

  it('a batch is submitted once, and cannot end with a link', async () => {
    const batch = ring.batch();
    const done = batch.timeout(0);
    batch.submit();
    await done;
    expect(() => batch.timeout(0)).toThrow(expect.objectContaining({ code: 'ERR_CORELANE_CLOSED' }));
    expect(() => batch.submit()).toThrow(expect.objectContaining({ code: 'ERR_CORELANE_CLOSED' }));
    const open = ring.batch();
    open.timeout(0, { link: true });
    expect(() => open.submit()).toThrow(expect.objectContaining({ code: 'ERR_CORELANE_OUT_OF_RANGE' }));
  });
});
