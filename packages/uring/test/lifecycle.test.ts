// Cancellation with AbortSignal, close() with work in flight, and the ring's hold on the
// thread's event loop (only while ops are in flight).
import { execFileSync } from 'node:child_process';
import { closeSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { IoRing } from '../src/index.js';
import { backends, pattern, pipeFd, tempDir } from './helpers/files.js';

const dir = tempDir();
const dataFile = join(dir, 'data');
writeFileSync(dataFile, pattern(65_536, 1));
const root = new URL('../', import.meta.url);

describe.each(backends)('%s: cancellation and shutdown', (backend) => {
  it('aborting a signal cancels an op in flight; it rejects with ERR_CORELANE_CANCELLED', async () => {
    const ring = new IoRing({ backend });
    const controller = new AbortController();
    const long = ring.timeout(60_000, { signal: controller.signal });
    ring.submit();
    expect(ring.inFlight).toBe(1);
    controller.abort(new Error('stop'));
    await expect(long).rejects.toMatchObject({ code: 'ERR_CORELANE_CANCELLED' });
    expect(ring.inFlight).toBe(0);
    ring.close();
  });

  it('aborting before the submit, or with a signal already aborted, cancels too', async () => {
    const ring = new IoRing({ backend });
    const controller = new AbortController();
    const staged = ring.timeout(60_000, { signal: controller.signal });
    controller.abort();
    await expect(staged).rejects.toMatchObject({ code: 'ERR_CORELANE_CANCELLED' });
    await expect(ring.timeout(1, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'ERR_CORELANE_CANCELLED',
    });
    const batch = ring.batch();
    const c2 = new AbortController();
    const batched = batch.timeout(60_000, { signal: c2.signal });
    batch.submit();
    c2.abort();
    await expect(batched).rejects.toMatchObject({ code: 'ERR_CORELANE_CANCELLED' });
    expect(ring.inFlight).toBe(0);
    ring.close();
  });

  it('aborting a read blocked on an empty pipe cancels it, and the buffer stays untouched', async () => {
    const ring = new IoRing({ backend });
    const pipe = pipeFd(dir, `${backend}-abort-fifo`);
    const buffer = Buffer.alloc(8);
    const controller = new AbortController();
    const read = ring.read(pipe, buffer, null, { signal: controller.signal });
    ring.submit();
    await new Promise((resolve) => setTimeout(resolve, 20)); // let a pool thread enter read()
    controller.abort();
    await expect(read).rejects.toMatchObject({ code: 'ERR_CORELANE_CANCELLED' });
    writeSync(pipe, Buffer.alloc(8, 1));
    expect(buffer.every((b) => b === 0)).toBe(true);
    closeSync(pipe);
    ring.close();
  });

  it('an abort that loses the race leaves the completed result', async () => {
    const ring = new IoRing({ backend });
    const fd = await ring.open(dataFile, 'r');
    const outcomes = await Promise.allSettled(
      Array.from({ length: 32 }, (_, i) => {
        const controller = new AbortController();
        const read = ring.read(fd, Buffer.alloc(4096), i * 1024, { signal: controller.signal });
        ring.submit();
        controller.abort();
        return read;
      }),
    );
    for (const outcome of outcomes) {
      if (outcome.status === 'fulfilled') expect(outcome.value).toBe(4096);
      else expect(outcome.reason).toMatchObject({ code: 'ERR_CORELANE_CANCELLED' });
    }
    await ring.closeFile(fd);
    ring.close();
  });

  it('close() with ops in flight cancels them, settles every promise, and closes the ring', async () => {
    const ring = new IoRing({ backend });
    const fd = await ring.open(dataFile, 'r');
    const timeouts = Array.from({ length: 20 }, () => ring.timeout(60_000));
    const reads = Array.from({ length: 20 }, (_, i) => ring.read(fd, Buffer.alloc(4096), i * 3000));
    const pipe = pipeFd(dir, `${backend}-close-fifo`);
    const pipeBuffers = Array.from({ length: 5 }, () => Buffer.alloc(16));
    const pipeReads = pipeBuffers.map((b) => ring.read(pipe, b, null)); // never get data
    ring.submit();
    expect(ring.inFlight).toBeGreaterThanOrEqual(20); // the timeouts at least; reads may be done
    ring.close();
    expect(ring.inFlight).toBe(0);
    for (const outcome of await Promise.allSettled(timeouts)) {
      expect(outcome).toMatchObject({ status: 'rejected', reason: { code: 'ERR_CORELANE_CANCELLED' } });
    }
    for (const outcome of await Promise.allSettled(reads)) {
      if (outcome.status === 'fulfilled') expect(outcome.value).toBe(4096);
      else expect(outcome.reason).toMatchObject({ code: 'ERR_CORELANE_CANCELLED' });
    }
    for (const outcome of await Promise.allSettled(pipeReads)) {
      expect(outcome).toMatchObject({ status: 'rejected', reason: { code: 'ERR_CORELANE_CANCELLED' } });
    }
    writeSync(pipe, Buffer.alloc(16, 1)); // too late: no cancelled read may take it
    for (const b of pipeBuffers) expect(b.every((x) => x === 0)).toBe(true);
    closeSync(pipe);
    expect(ring.closed).toBe(true);
    expect(() => ring.read(fd, Buffer.alloc(1), 0)).toThrow(expect.objectContaining({ code: 'ERR_CORELANE_CLOSED' }));
    expect(() => ring.batch()).toThrow(expect.objectContaining({ code: 'ERR_CORELANE_CLOSED' }));
    expect(() => ring.close()).not.toThrow();
  });

  it('a batch queued but not submitted when the ring is closed: submit() throws, its ops reject', async () => {
    const ring = new IoRing({ backend });
    const batch = ring.batch();
    const queued = [batch.timeout(0), batch.read(0, Buffer.alloc(1), 0)];
    ring.close();
    expect(() => batch.submit()).toThrow(expect.objectContaining({ code: 'ERR_CORELANE_CLOSED' }));
    for (const outcome of await Promise.allSettled(queued)) {
      expect(outcome).toMatchObject({ status: 'rejected', reason: { code: 'ERR_CORELANE_CANCELLED' } });
    }
  });

  it('timeouts in flight never hold up file I/O, even with one pool thread', async () => {
    const ring = new IoRing({ backend, threads: 1 });
    const timers = [1, 2, 3].map(() => ring.timeout(60_000));
    ring.submit();
    const fd = await ring.open(dataFile, 'r');
    expect(await ring.read(fd, Buffer.alloc(16), 0)).toBe(16);
    await ring.closeFile(fd);
    ring.close();
    for (const outcome of await Promise.allSettled(timers)) {
      expect(outcome).toMatchObject({ status: 'rejected', reason: { code: 'ERR_CORELANE_CANCELLED' } });
    }
  });

  it('keeps a thread alive while ops are in flight, and lets it exit when idle', () => {
    const out = execFileSync(process.execPath, ['test/workers/loop-alive.mjs', backend], {
      cwd: root,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(out).toBe(`timeout settled on ${backend}\nread 16\n`);
  });

  it.each([false, true])(
    'a worker terminated at random moments of write + fdatasync chains (quietLinks %s): this process lives on, 20 times',
    async (quietLinks) => {
      // Was: a segfault (the ring's handles closed by the cleanup hook with callbacks in this
      // addon, run by Node after it unloaded the addon) or a fatal napi_throw (a settle that
      // called JS while the thread was being terminated).
      const path = join(dir, `chains-${backend}-${quietLinks}`);
      writeFileSync(path, Buffer.alloc(65_536));
      for (let round = 0; round < 20; round++) {
        const worker = new Worker(new URL('workers/chains.mjs', import.meta.url), {
          workerData: { backend, path, quietLinks },
        });
        await new Promise((resolve, reject) => {
          worker.once('message', resolve);
          worker.once('error', reject);
        });
        await new Promise((resolve) => setTimeout(resolve, round % 5));
        expect(await worker.terminate()).toBe(1);
      }
      const ring = new IoRing({ backend });
      await expect(ring.timeout(1)).resolves.toBeUndefined();
      ring.close();
    },
    60_000,
  );

  it('a worker terminated with ops in flight shuts its ring down cleanly', async () => {
    for (let round = 0; round < 3; round++) {
      const worker = new Worker(new URL('workers/abandon.mjs', import.meta.url), {
        workerData: { backend, path: dataFile },
      });
      const message = await new Promise<{ inFlight: number }>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      expect(message.inFlight).toBeGreaterThanOrEqual(32); // the timeouts at least
      expect(await worker.terminate()).toBe(1);
    }
    // This thread's own rings still work after the workers' rings were torn down.
    const ring = new IoRing({ backend });
    await expect(ring.timeout(1)).resolves.toBeUndefined();
    ring.close();
  });
});

describe('io_uring: close() reports every op that finished', () => {
  it('more finished ops than the completion array holds: each settles with its bytes', async () => {
    // entries 8: the completion array holds 64. Without DEFER_TASKRUN a read on a pipe completes
    // as its data is written (the task work runs as this thread's write returns), and its
    // completion waits, not reaped, for the close() that follows.
    const ring = new IoRing({ backend: 'io_uring', entries: 8, deferTaskrun: false });
    const count = 150;
    const pipes = Array.from({ length: count }, (_, i) => pipeFd(dir, `close-many-${i}`));
    const buffers = pipes.map(() => Buffer.alloc(8));
    const reads = pipes.map((fd, i) => ring.read(fd, buffers[i] as Buffer, null));
    ring.submit();
    expect(ring.inFlight).toBe(count);
    for (const [i, fd] of pipes.entries()) writeSync(fd, Buffer.from(`seq${String(i).padStart(5, '0')}`));
    ring.close();
    const settled = await Promise.allSettled(reads);
    expect(settled).toEqual(Array.from({ length: count }, () => ({ status: 'fulfilled', value: 8 })));
    expect(buffers.map((b) => b.toString())).toEqual(pipes.map((_, i) => `seq${String(i).padStart(5, '0')}`));
    for (const fd of pipes) closeSync(fd);
  });
});
