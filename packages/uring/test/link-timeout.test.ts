// Linked timeouts (IORING_OP_LINK_TIMEOUT, and the thread pool's timer): an op that does not
// complete in time is cancelled (ECANCELED) and its timeout resolves true (the kernel's ETIME);
// an op that completes in time settles normally and its timeout resolves false. A named pipe
// nobody writes to gives an op that never completes by itself, so nothing here depends on timing.
import { closeSync, readFileSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IoRing } from '../src/index.js';
import { backends, checksum, pattern, pipeFd, tempDir } from './helpers/files.js';

const dir = tempDir();
/** Long enough that an op on a local file always finishes first, on any machine. */
const GENEROUS_MS = 30_000;

describe.each(backends)('%s: linked timeouts', (backend) => {
  let ring: IoRing;
  beforeAll(() => {
    ring = new IoRing({ backend, entries: 64 });
  });
  afterAll(() => ring.close());

  it('an op that runs past its timeout is cancelled (ECANCELED); the timeout resolves true', async () => {
    const fifo = pipeFd(dir, `${backend}-expire-fifo`);
    const buffer = Buffer.alloc(32);
    const batch = ring.batch();
    const read = batch.read(fifo, buffer, null, { link: true });
    const timer = batch.linkTimeout(20);
    batch.submit();
    await Promise.all([
      expect(read).rejects.toMatchObject({ code: 'ECANCELED', syscall: 'read' }),
      expect(timer).resolves.toBe(true),
    ]);
    expect(ring.inFlight).toBe(0);
    // The cancelled read is gone: bytes written now stay in the pipe for node:fs to read.
    writeSync(fifo, Buffer.alloc(32, 7));
    const back = Buffer.alloc(32);
    expect(readSync(fifo, back)).toBe(32);
    expect(back.every((b) => b === 7)).toBe(true);
    expect(buffer.every((b) => b === 0)).toBe(true);
    closeSync(fifo);
  });

  it('an op that completes in time settles normally; the timeout resolves false', async () => {
    const path = join(dir, `${backend}-in-time`);
    writeFileSync(path, pattern(10_000, 3));
    const fd = await ring.open(path, 'r');
    const batch = ring.batch();
    const reads = [0, 4_000, 9_000].map((at) => {
      const buffer = Buffer.alloc(1_000);
      const read = batch.read(fd, buffer, at, { link: true });
      return { at, buffer, read, timer: batch.linkTimeout(GENEROUS_MS) };
    });
    batch.submit();
    for (const { at, buffer, read, timer } of reads) {
      expect(await read).toBe(1_000);
      expect(await timer).toBe(false);
      expect(checksum(buffer)).toBe(checksum(pattern(10_000, 3).subarray(at, at + 1_000)));
    }
    await ring.closeFile(fd);
  });

  it('with link: true the chain goes on after a guarded op that succeeded, and stops after one that timed out', async () => {
    const path = join(dir, `${backend}-chain`);
    writeFileSync(path, '');
    const fd = await ring.open(path, 'r+');
    const fifo = pipeFd(dir, `${backend}-chain-fifo`);
    const batch = ring.batch();
    const goodWrite = batch.write(fd, Buffer.from('first'), 0, { link: true });
    const goodTimer = batch.linkTimeout(GENEROUS_MS, { link: true });
    const afterGood = batch.write(fd, Buffer.from('second'), 5);
    const stuck = batch.read(fifo, Buffer.alloc(8), null, { link: true });
    const stuckTimer = batch.linkTimeout(10, { link: true });
    const afterStuck = batch.write(fd, Buffer.from('never'), 11);
    batch.submit();
    await Promise.all([
      expect(goodWrite).resolves.toBe(5),
      expect(goodTimer).resolves.toBe(false),
      expect(afterGood).resolves.toBe(6),
      expect(stuck).rejects.toMatchObject({ code: 'ECANCELED' }),
      expect(stuckTimer).resolves.toBe(true),
      expect(afterStuck).rejects.toMatchObject({ code: 'ECANCELED', syscall: 'write' }),
    ]);
    expect(readFileSync(path, 'latin1')).toBe('firstsecond');
    closeSync(fifo);
    await ring.closeFile(fd);
  });

  it('a guarded op that never starts (its chain broke first) leaves the timeout unfired', async () => {
    const path = join(dir, `${backend}-never-starts`);
    writeFileSync(path, 'read only');
    const fd = await ring.open(path, 'r');
    const batch = ring.batch();
    const failing = batch.write(fd, Buffer.from('x'), 0, { link: true });
    const guarded = batch.fsync(fd, { link: true });
    const timer = batch.linkTimeout(GENEROUS_MS);
    batch.submit();
    await Promise.all([
      expect(failing).rejects.toMatchObject({ code: 'EBADF' }),
      expect(guarded).rejects.toMatchObject({ code: 'ECANCELED' }),
      expect(timer).resolves.toBe(false),
    ]);
    await ring.closeFile(fd);
  });

  it('aborting the guarded op disarms its timeout: the op rejects as cancelled, the timeout resolves false', async () => {
    const fifo = pipeFd(dir, `${backend}-abort-fifo`);
    const controller = new AbortController();
    const batch = ring.batch();
    const buffer = Buffer.alloc(4);
    const read = batch.read(fifo, buffer, null, { link: true, signal: controller.signal });
    const timer = batch.linkTimeout(GENEROUS_MS);
    batch.submit();
    controller.abort();
    await Promise.all([
      expect(read).rejects.toMatchObject({ code: 'ERR_CORELANE_CANCELLED' }),
      expect(timer).resolves.toBe(false),
    ]);
    writeSync(fifo, Buffer.from('ping'));
    const back = Buffer.alloc(4);
    expect(readSync(fifo, back)).toBe(4);
    expect(back.toString('latin1')).toBe('ping');
    expect(buffer.every((b) => b === 0)).toBe(true);
    closeSync(fifo);
  });

  it('must follow an op queued with link: true, never a timeout; ms is checked', () => {
    const batch = ring.batch();
    const state = { code: 'ERR_CORELANE_INVALID_STATE' };
    expect(() => batch.linkTimeout(5)).toThrow(expect.objectContaining(state));
    void batch.timeout(1);
    expect(() => batch.linkTimeout(5)).toThrow(expect.objectContaining(state));
    void batch.timeout(1, { link: true });
    expect(() => batch.linkTimeout(5)).toThrow(expect.objectContaining(state));
    void batch.fsync(0, { link: true });
    expect(() => batch.linkTimeout(-1)).toThrow(expect.objectContaining({ code: 'ERR_CORELANE_OUT_OF_RANGE' }));
    expect(() => batch.linkTimeout(Number.NaN)).toThrow(RangeError);
    expect(() => batch.linkTimeout(5, { link: 1 as unknown as boolean })).toThrow(TypeError);
    expect(() => batch.linkTimeout(5, null as unknown as object)).toThrow(TypeError);
    expect(batch.size).toBe(3); // nothing was queued by the refused calls
  });
});
