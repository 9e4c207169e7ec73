// While a wake-up reaps, a DEFER_TASKRUN ring's eventfd is disabled (native/uring_backend.cc,
// HoldWakes): completions that io-wq workers finish meanwhile queue task work that signals
// nothing. On the way out the ring must run that work, or the thread sleeps in libuv with ops
// done and never settled. Only the event loop drives the ring here (no poll()); a lost wake-up
// shows as a test that never finishes (bounded by its timeout).
import { closeSync, existsSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { FAULTS, Fault, faults } from '../src/faults.js';
import { IoRing, type IoRingOptions } from '../src/index.js';
import { backends, checksum, pattern, pipeFd, tempDir } from './helpers/files.js';

// Buffered reads from tmpfs run in an io-wq worker (the case the hold must survive); elsewhere
// the temporary directory's file system.
const dir = existsSync('/dev/shm') ? tempDir('/dev/shm') : tempDir();
const pause = new Int32Array(new SharedArrayBuffer(4));
const variants: [string, IoRingOptions][] = [
  ['default (DEFER_TASKRUN)', {}],
  ['deferTaskrun: false', { deferTaskrun: false }],
];

/**
 * Reads `count` 512-byte blocks through `ring`, 32 in flight, each checked; `then(seq, last)`
 * after each (`last`: its lane's final read), and `drain()` awaited once all are read, before the file's close (which reaps).
 */
async function readAll(
  ring: IoRing,
  name: string,
  count: number,
  then: (seq: number, last: boolean) => void,
  drain?: () => Promise<unknown>,
): Promise<Int32Array> {
  const blocks = 256;
  const data = pattern(blocks * 512, 31);
  const fd = await ring.open(join(dir, name), 'w+');
  expect(await ring.write(fd, data, 0)).toBe(data.length);
  const memory = new Uint8Array(new SharedArrayBuffer(32 * 512));
  const settled = new Int32Array(count);
  let next = 0;
  const lane = async (k: number): Promise<void> => {
    const view = memory.subarray(k * 512, (k + 1) * 512);
    for (let seq = next++; seq < count; seq = next++) {
      const block = (seq * 97) % blocks;
      expect(await ring.read(fd, view, block * 512)).toBe(512);
      expect(checksum(view)).toBe(checksum(data.subarray(block * 512, (block + 1) * 512)));
      settled[seq] = (settled[seq] as number) + 1;
      then(seq, next >= count); // last: this lane reads no more
    }
  };
  await Promise.all(Array.from({ length: 32 }, (_, k) => lane(k)));
  await drain?.();
  await ring.closeFile(fd);
  return settled;
}

describe('io_uring: a wake-up that lets its held signal go', () => {
  it('settles a read that completed inside the window, which signalled nothing (seen hanging without the final run of task work)', async () => {
    const f = faults();
    const ring = new IoRing({ backend: 'io_uring', [FAULTS]: f } as object);
    const first = pipeFd(dir, 'first');
    const second = pipeFd(dir, 'second');
    try {
      expect(ring.info.setupFlags).toContain('DEFER_TASKRUN');
      // The wake-up that settles the first read sleeps 300 ms before it lets go of the signal;
      // another thread writes the second pipe 50 ms into that window.
      f[Fault.releaseDelayUs] = 300_000;
      const a = new Uint8Array(new SharedArrayBuffer(8));
      const b = new Uint8Array(new SharedArrayBuffer(8));
      const readA = ring.read(first, a, null);
      const readB = ring.read(second, b, null);
      ring.submit();
      const writer = new Worker(
        `const { writeSync } = require('node:fs');
         const { workerData } = require('node:worker_threads');
         const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
         writeSync(workerData.first, 'first');
         sleep(50);
         writeSync(workerData.second, 'second');`,
        { eval: true, workerData: { first, second } },
      );
      const exited = new Promise((resolve) => writer.once('exit', resolve));
      expect(await readA).toBe(5);
      expect(await readB).toBe(6);
      expect(Buffer.from(a.buffer, 0, 5).toString()).toBe('first');
      expect(Buffer.from(b.buffer, 0, 6).toString()).toBe('second');
      expect(await exited).toBe(0);
    } finally {
      ring.close();
      closeSync(first);
      closeSync(second);
    }
  }, 10_000);
});

describe.each(variants)(
  'io_uring, %s: a wake-up whose callbacks enter the kernel without reaping',
  (_name, options) => {
    // A cancel made from a completion's callback submits its SQE with an enter that also runs
    // the ring's task work (DEFER_TASKRUN): the cancelled op's CQE is posted then, inside the
    // held window, and signals nothing. Nothing reaps it before the wake-up returns to libuv.
    it('settles an op cancelled from inside a wake-up (seen hanging when the release ignored CQEs already posted)', async () => {
      const ring = new IoRing({ backend: 'io_uring', ...options });
      const first = pipeFd(dir, `cancel-first-${Object.keys(options).length}`);
      const second = pipeFd(dir, `cancel-second-${Object.keys(options).length}`);
      try {
        for (let round = 0; round < 20; round++) {
          const a = new Uint8Array(new SharedArrayBuffer(8));
          const b = new Uint8Array(new SharedArrayBuffer(8));
          const controller = new AbortController();
          const readA = ring.read(first, a, null);
          const readB = ring.read(second, b, null, { signal: controller.signal });
          ring.submit();
          // The abort runs in readA's continuation, a microtask of the wake-up that settled it.
          const aborted = readA.then((n) => {
            controller.abort();
            return n;
          });
          writeSync(first, `r${round % 10}`);
          expect(await aborted).toBe(2);
          await expect(readB).rejects.toMatchObject({ code: 'ERR_CORELANE_CANCELLED' });
          expect(Buffer.from(a.buffer, 0, 2).toString()).toBe(`r${round % 10}`);
          expect(ring.inFlight).toBe(0);
        }
      } finally {
        ring.close();
        closeSync(first);
        closeSync(second);
      }
    }, 10_000);
  },
);

describe.each(variants)('io_uring, %s: close() from inside a wake-up', (_name, options) => {
  // The wake-up that settles the first read still holds the eventfd's signal when its
  // continuation closes the ring: the ring goes with the flag set, and nothing else uses it.
  it('rejects the op still in flight, and a new ring on the same thread reads and is woken', async () => {
    const ring = new IoRing({ backend: 'io_uring', ...options });
    const first = pipeFd(dir, `close-first-${Object.keys(options).length}`);
    const second = pipeFd(dir, `close-second-${Object.keys(options).length}`);
    try {
      const readA = ring.read(first, new Uint8Array(new SharedArrayBuffer(8)), null);
      const readB = ring.read(second, new Uint8Array(new SharedArrayBuffer(8)), null);
      ring.submit();
      const closed = readA.then((n) => {
        ring.close();
        return n;
      });
      writeSync(first, 'one');
      expect(await closed).toBe(3);
      await expect(readB).rejects.toMatchObject({ code: 'ERR_CORELANE_CANCELLED' });
      const next = new IoRing({ backend: 'io_uring', ...options });
      try {
        const view = new Uint8Array(new SharedArrayBuffer(8));
        const read = next.read(second, view, null);
        next.submit();
        writeSync(second, 'two');
        expect(await read).toBe(3);
        expect(Buffer.from(view.buffer, 0, 3).toString()).toBe('two');
      } finally {
        next.close();
      }
    } finally {
      ring.close();
      closeSync(first);
      closeSync(second);
    }
  }, 10_000);
});

describe.each(backends)('%s: completions that finish while a wake-up reaps', (backend) => {
  it.each(variants)(
    '%s: 3000 reads, 32 in flight, each settles once with its own bytes',
    async (_name, options) => {
      const ring = new IoRing({ backend, entries: 64, ...options });
      try {
        // Every 16th completion holds the thread for 0.2 ms inside the wake-up that settled it:
        // the workers finish other reads meanwhile, with the eventfd's signal held.
        const settled = await readAll(ring, `${backend}-${Object.keys(options).length}`, 3000, (seq) => {
          if (seq % 16 === 0) Atomics.wait(pause, 0, 0, 0.2);
        });
        expect(settled.every((n) => n === 1)).toBe(true);
      } finally {
        ring.close();
      }
    },
    20_000,
  );
});

describe.each(backends)('%s: a mixed load that only the event loop drives', (backend) => {
  it.each(variants)(
    '%s: 4000 reads whose callbacks submit, cancel and yield, each settles once with its own bytes',
    async (_name, options) => {
      const ring = new IoRing({ backend, entries: 64, ...options });
      const pipe = pipeFd(dir, `mixed-pipe-${backend}-${Object.keys(options).length}`);
      let cancelled = 0;
      const waiting: Promise<void>[] = [];
      try {
        let expected = 0;
        const settled = await readAll(
          ring,
          `mixed-${backend}-${Object.keys(options).length}`,
          4000,
          (seq, last) => {
            // Every lane's last read cancels too: then no later completion's signal covers one
            // the cancel left unsignalled.
            if (seq % 7 === 0 || last) {
              expected++;
              // A read that never gets data, cancelled from this callback: its cancel enters the
              // kernel inside the wake-up, with no reap after it.
              const controller = new AbortController();
              const read = ring.read(pipe, new Uint8Array(new SharedArrayBuffer(8)), null, {
                signal: controller.signal,
              });
              ring.submit(); // a staged op would be refused at its submit, with no cancel
              controller.abort();
              waiting.push(
                read.then(
                  () => {
                    throw new Error('a read of an empty pipe completed');
                  },
                  (error: { code?: string }) => {
                    expect(error.code).toBe('ERR_CORELANE_CANCELLED');
                    cancelled++;
                  },
                ),
              );
            }
            if (seq % 5 === 0) waiting.push(new Promise<void>((resolve) => setImmediate(resolve)));
            if (seq % 11 === 0) waiting.push(new Promise<void>((resolve) => setTimeout(resolve, 0)));
            if (seq % 16 === 0) Atomics.wait(pause, 0, 0, 0.1);
          },
          () => Promise.all(waiting),
        );
        expect(settled.every((n) => n === 1)).toBe(true);
        expect(cancelled).toBe(expected);
        expect(ring.inFlight).toBe(0);
      } finally {
        ring.close();
        closeSync(pipe);
      }
    },
    30_000,
  );
});
