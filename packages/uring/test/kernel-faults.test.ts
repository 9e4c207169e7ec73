// The failures a kernel gives rarely, made to happen on demand (src/faults.ts): a submit that
// fails, a submission queue with no room for a cancel, a cancel that arrives late, and a kernel
// older than 5.19 that refuses IORING_ASYNC_CANCEL_ANY at close(). No promise may wait forever,
// no op may be lost, and no cancel may hit the op that took a finished op's place.
import { execFileSync } from 'node:child_process';
import { closeSync, writeSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FAULTS, Fault, faults } from '../src/faults.js';
import { type Backend, IoRing } from '../src/index.js';
import { backends, pipeFd, tempDir } from './helpers/files.js';

const dir = tempDir();
const root = new URL('../', import.meta.url);

function faultyRing(backend: Backend, entries = 8): { ring: IoRing; f: Int32Array } {
  const f = faults();
  return { ring: new IoRing({ backend, entries, [FAULTS]: f } as object), f };
}

/** Settles with the promise, or rejects after `ms` if it never does (a hang detector, not a timing). */
function settledWithin<T>(promise: Promise<T>, ms = 10_000): Promise<PromiseSettledResult<T>> {
  return Promise.race([
    Promise.allSettled([promise]).then(([outcome]) => outcome as PromiseSettledResult<T>),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms)),
  ]);
}

describe.each(backends)('%s: a cancel never hits the op that took its place', (backend) => {
  it('a cancel held back until its op completed and its slot was reused leaves the successor alone', async () => {
    const { ring, f } = faultyRing(backend);
    for (let round = 0; round < 20; round++) {
      const first = pipeFd(dir, `${backend}-successor-a-${round}`);
      const second = pipeFd(dir, `${backend}-successor-b-${round}`);
      const controller = new AbortController();
      const a = ring.read(first, Buffer.alloc(8), null, { signal: controller.signal });
      ring.submit();
      f[Fault.holdCancels] = 1; // the cancel finds no room in the queue and waits
      controller.abort();
      writeSync(first, Buffer.alloc(8, 1)); // meanwhile the op completes by itself
      // The abort lost the race (on the thread pool the cancel is not held, and may win it).
      const outcome = await settledWithin(a);
      if (backend === 'io_uring') expect(outcome).toEqual({ status: 'fulfilled', value: 8 });
      // The successor takes the finished op's id and native slot; the held cancel goes with it.
      const buffer = Buffer.alloc(8);
      const b = ring.read(second, buffer, null);
      f[Fault.holdCancels] = 0;
      ring.submit();
      ring.poll();
      expect(ring.inFlight).toBe(1); // still waiting for data: not cancelled
      writeSync(second, Buffer.from(`seq${String(round).padStart(5, '0')}`));
      expect(await settledWithin(b)).toEqual({ status: 'fulfilled', value: 8 });
      expect(buffer.toString()).toBe(`seq${String(round).padStart(5, '0')}`);
      closeSync(first);
      closeSync(second);
    }
    ring.close();
  });
});

describe('io_uring: submits and cancels that fail', () => {
  it.each([1, 2, 3])('an abort that finds the queue full %i times still cancels', async (times) => {
    const { ring, f } = faultyRing('io_uring');
    const pipe = pipeFd(dir, `sq-full-${times}`);
    const controller = new AbortController();
    const buffer = Buffer.alloc(8);
    const read = ring.read(pipe, buffer, null, { signal: controller.signal });
    ring.submit();
    f[Fault.cancelSqeUnavailable] = times;
    controller.abort();
    expect(await settledWithin(read)).toMatchObject({
      status: 'rejected',
      reason: { code: 'ERR_CORELANE_CANCELLED' },
    });
    writeSync(pipe, Buffer.alloc(8, 1));
    expect(buffer.every((b) => b === 0)).toBe(true);
    closeSync(pipe);
    ring.close();
  });

  it('an abort whose queue stays full for a long while is sent once there is room', async () => {
    const { ring, f } = faultyRing('io_uring');
    const pipe = pipeFd(dir, 'sq-full-long');
    const controller = new AbortController();
    const read = ring.read(pipe, Buffer.alloc(8), null, { signal: controller.signal });
    ring.submit();
    f[Fault.cancelSqeUnavailable] = 40;
    controller.abort();
    expect(await settledWithin(read)).toMatchObject({ status: 'rejected', reason: { code: 'ERR_CORELANE_CANCELLED' } });
    expect(f[Fault.cancelSqeUnavailable]).toBe(0);
    closeSync(pipe);
    ring.close();
  });

  it.each([1, 2, 3])('a submit that fails %i times is tried again, and its ops run', async (times) => {
    const { ring, f } = faultyRing('io_uring');
    f[Fault.submitFailures] = times;
    const fd = await settledWithin(ring.open(process.execPath, 'r'));
    expect(fd.status).toBe('fulfilled');
    const n = await settledWithin(ring.read((fd as PromiseFulfilledResult<number>).value, Buffer.alloc(16), 0));
    expect(n).toEqual({ status: 'fulfilled', value: 16 });
    ring.close();
  });

  it('a submit that keeps failing rejects its ops with the error, and the ring works afterwards', async () => {
    const { ring, f } = faultyRing('io_uring');
    f[Fault.submitFailures] = 1000;
    const batch = ring.batch();
    const ops: Promise<unknown>[] = [
      batch.timeout(0, { link: true }),
      batch.open(process.execPath, 'r'),
      batch.timeout(0),
    ];
    expect(batch.submit()).toBe(0); // nothing went
    const failed = {
      code: 'ERR_CORELANE_SYSTEM',
      errno: -16,
      errnoName: 'EBUSY',
      syscall: 'io_uring_submit',
    };
    for (const op of ops) expect(await settledWithin(op)).toMatchObject({ status: 'rejected', reason: failed });
    expect(ring.inFlight).toBe(0);
    f[Fault.submitFailures] = 0;
    expect(await settledWithin(ring.timeout(0))).toEqual({ status: 'fulfilled', value: undefined });
    ring.close();
  });

  it.each([1, 4, 1000])(
    'close() whose submits fail %i times still cancels, reports what finished, and returns',
    (times) => {
      const out = execFileSync(process.execPath, ['test/workers/close-submit-fails.mjs', dir, String(times)], {
        cwd: root,
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(JSON.parse(out)).toEqual({
        closed: true,
        reads: ['ERR_CORELANE_CANCELLED', 8],
        blockedUntouched: true,
        ready: 'seq00001',
      });
    },
  );

  it('close() where IORING_ASYNC_CANCEL_ANY is refused (Linux < 5.19) cancels each op, and returns', () => {
    const out = execFileSync(process.execPath, ['test/workers/cancel-any-refused.mjs', dir], {
      cwd: root,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(JSON.parse(out)).toEqual({
      closed: true,
      reads: Array(4).fill('ERR_CORELANE_CANCELLED'),
      timeouts: Array(4).fill('ERR_CORELANE_CANCELLED'),
      buffersUntouched: true,
    });
  });
});

describe.each(backends)('%s: the faults array is ignored where it does not apply', (backend) => {
  it('a ring without faults, or with a malformed one, runs as usual', async () => {
    const ring = new IoRing({ backend, [FAULTS]: new Int32Array(2) } as object);
    expect(await ring.timeout(0)).toBeUndefined();
    ring.close();
  });
});
