// The lost wake-up on close: a side sleeping in a wait with nothing to do (a consumer with an
// empty ring, a producer with a full one) while its peer closes must wake and return false, at
// whatever moment the close lands. Before layout version 2 the sleeper compared the peer's index
// word, which close() does not change: a close between the sleeper's `peerClosed` check and its
// sleep was slept through, forever with no timeout.
//
// Two ways to land the close there: `interleaved` makes it land exactly between the check and
// the sleep, every round (the worker holds its check until the main thread has closed: see
// workers/close-race-worker.mjs); `free-running` lets the two threads race, at varied delays.
// Each round is bounded: one that does not finish in ROUND_LIMIT_MS fails the test as a hang.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { allocateRing, RingConsumer, RingProducer } from '../src/index.js';
import { Role, Word } from '../src/layout.js';
import { futex } from '../src/native.js';

/**
 * A stand-in for a native peer, as the C++ twin attaches and closes (layout.h claim_role /
 * release_role, wait.h wake_side): a role word in the native state, and a close that sets it
 * closed, bumps the sleeper's wake word and wakes it with FUTEX_WAKE only (V8's Atomics.notify
 * would not reach a futex sleeper, and a native thread cannot call it).
 */
class NativeStandIn {
  readonly #words: Int32Array;
  readonly #sleeperIsConsumer: boolean;
  constructor(ring: SharedArrayBuffer, sleeperIsConsumer: boolean) {
    this.#words = new Int32Array(ring);
    this.#sleeperIsConsumer = sleeperIsConsumer;
    Atomics.store(this.#words, this.#roleWord, (1 << 2) | Role.NATIVE);
  }
  get #roleWord(): number {
    return this.#sleeperIsConsumer ? Word.PRODUCER_ROLE : Word.CONSUMER_ROLE;
  }
  close(): void {
    const wake = this.#sleeperIsConsumer ? Word.CONSUMER_WAKE : Word.PRODUCER_WAKE;
    Atomics.store(this.#words, this.#roleWord, (1 << 2) | Role.CLOSED);
    Atomics.add(this.#words, wake, 1);
    futex?.futexWake(this.#words, wake);
  }
}

/** A hang detector, not a timing assertion: a healthy round takes microseconds. */
const ROUND_LIMIT_MS = 5_000;

/** Waits until control word `at` reaches `value`, spinning up to `spinBudget` loads first; false if it does not within the limit. */
function reach(ctl: Int32Array, at: number, value: number, spinBudget: number): boolean {
  for (let spin = 0; spin < spinBudget; spin++) if (Atomics.load(ctl, at) >= value) return true;
  const deadline = performance.now() + ROUND_LIMIT_MS;
  for (;;) {
    const now = Atomics.load(ctl, at);
    if (now >= value) return true;
    const left = deadline - performance.now();
    if (left <= 0) return false;
    Atomics.wait(ctl, at, now, left);
  }
}

async function race(
  role: 'consumer' | 'producer',
  mode: 'sync' | 'async',
  interleave: boolean,
  peerKind: 'js' | 'native' = 'js',
) {
  const rounds = interleave ? 50 : 1_500;
  const rings = Array.from({ length: rounds }, () => allocateRing({ capacity: 2 }));
  const control = new SharedArrayBuffer(12);
  const ctl = new Int32Array(control);
  const worker = new Worker(new URL('./workers/close-race-worker.mjs', import.meta.url), {
    workerData: { rings, control, role, mode, interleave, peer: peerKind },
  });
  const report = new Promise<{ rounds: number; wrong: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  try {
    let hungAt = -1;
    for (let i = 0; i < rounds; i++) {
      // the main thread is the peer: attached before the worker's side, closed while it waits
      const ring = rings[i] as SharedArrayBuffer;
      const peer =
        peerKind === 'native'
          ? new NativeStandIn(ring, role === 'consumer')
          : role === 'consumer'
            ? new RingProducer(ring)
            : new RingConsumer(ring);
      Atomics.store(ctl, 2, i + 1); // the worker attaches its side only after this one
      Atomics.notify(ctl, 2);
      // free-running: odd rounds spin (the close lands within microseconds of the sleeper's
      // start), even rounds sleep (it lands later)
      if (!reach(ctl, 0, 2 * i + 1, !interleave && i % 2 === 1 ? 200_000 : 0)) {
        hungAt = i;
        break;
      }
      if (interleave) {
        // the sleeper has checked and is about to sleep, held there: close now, then let it go on
        if (!reach(ctl, 1, 2 * i + 1, 0)) {
          hungAt = i;
          break;
        }
        peer.close();
        Atomics.store(ctl, 1, 2 * i + 2);
        Atomics.notify(ctl, 1);
      } else {
        for (let spin = (i * 13) % 1_000; spin > 0; spin--) Atomics.load(ctl, 0);
        peer.close();
      }
      if (!reach(ctl, 0, 2 * i + 2, 0)) {
        hungAt = i;
        break;
      }
    }
    expect(hungAt, `round ${hungAt}: the ${role} slept through its peer's close`).toBe(-1);
    expect(await report).toEqual({ rounds, wrong: 0 });
  } finally {
    await worker.terminate();
  }
}

describe.each([
  ['interleaved', true],
  ['free-running', false],
])('a sleeper wakes when its peer closes (no lost wake-up), %s', (_name, interleave) => {
  it('consumer in waitReadable(), producer closes with nothing pending', () => race('consumer', 'sync', interleave));
  it('consumer in readable(), producer closes with nothing pending', () => race('consumer', 'async', interleave));
  it('producer in waitWritable() on a full ring, consumer closes', () => race('producer', 'sync', interleave));
  it('producer in writable() on a full ring, consumer closes', () => race('producer', 'async', interleave));
});

describe('a JS side sleeping in futex(2) wakes when its native peer closes, interleaved', () => {
  it('consumer in waitReadable()', () => race('consumer', 'sync', true, 'native'));
  it('consumer in readable()', () => race('consumer', 'async', true, 'native'));
  it('producer in waitWritable() on a full ring', () => race('producer', 'sync', true, 'native'));
  it('producer in writable() on a full ring', () => race('producer', 'async', true, 'native'));
});
