// The lost wake-up on close: a side sleeping in a wait with nothing to do (a consumer with an
// empty ring, a producer with a full one) while its peer closes must wake and return false, at
// whatever moment the close lands. Before layout version 2 the sleeper compared the peer's index
// word, which close() does not change: a close between the sleeper's `peerClosed` check and its
// `Atomics.wait` was slept through, forever with no timeout (seen within a few hundred rounds).
// Each round here is bounded: a round that does not finish in ROUND_LIMIT_MS fails the test as a
// hang instead of hanging it.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { allocateRing, RingConsumer, RingProducer } from '../src/index.js';

const ROUNDS = 4_000;
/** A hang detector, not a timing assertion: a healthy round takes microseconds. */
const ROUND_LIMIT_MS = 5_000;

/** Waits until the control word reaches `value`; false if it does not within the limit. */
function reach(ctl: Int32Array, value: number, spinBudget: number): boolean {
  // Odd rounds spin first (a bounded budget) so the close lands within microseconds of the
  // sleeper's start; even rounds sleep, so it lands later. Both timings lost the wake-up.
  for (let spin = 0; spin < spinBudget; spin++) if (Atomics.load(ctl, 0) >= value) return true;
  const deadline = performance.now() + ROUND_LIMIT_MS;
  for (;;) {
    const now = Atomics.load(ctl, 0);
    if (now >= value) return true;
    const left = deadline - performance.now();
    if (left <= 0) return false;
    Atomics.wait(ctl, 0, now, left);
  }
}

async function race(role: 'consumer' | 'producer', mode: 'sync' | 'async') {
  const rings = Array.from({ length: ROUNDS }, () => allocateRing({ capacity: 2 }));
  const control = new SharedArrayBuffer(4);
  const ctl = new Int32Array(control);
  const worker = new Worker(new URL('./workers/close-race-worker.mjs', import.meta.url), {
    workerData: { rings, control, role, mode },
  });
  const report = new Promise<{ rounds: number; wrong: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  try {
    let hungAt = -1;
    for (let i = 0; i < ROUNDS; i++) {
      // the main thread is the peer: attached before the worker's side, closed while it waits
      const peer =
        role === 'consumer'
          ? new RingProducer(rings[i] as SharedArrayBuffer)
          : new RingConsumer(rings[i] as SharedArrayBuffer);
      if (!reach(ctl, 2 * i + 1, i % 2 === 1 ? 200_000 : 0)) {
        hungAt = i;
        break;
      }
      // land the close at a different point of the sleeper's check-then-wait each round
      for (let spin = (i * 13) % 1_000; spin > 0; spin--) Atomics.load(ctl, 0);
      peer.close();
      if (!reach(ctl, 2 * i + 2, 0)) {
        hungAt = i;
        break;
      }
    }
    expect(hungAt, `round ${hungAt}: the ${role} slept through its peer's close`).toBe(-1);
    expect(await report).toEqual({ rounds: ROUNDS, wrong: 0 });
  } finally {
    await worker.terminate();
  }
}

describe('a sleeper wakes when its peer closes (no lost wake-up)', () => {
  it('consumer in waitReadable(), producer closes with nothing pending', () => race('consumer', 'sync'));
  it('consumer in readable(), producer closes with nothing pending', () => race('consumer', 'async'));
  it('producer in waitWritable() on a full ring, consumer closes', () => race('producer', 'sync'));
  it('producer in writable() on a full ring, consumer closes', () => race('producer', 'async'));
});
