// Role ownership at its edges (layout version 2: the state and the claim generation in one word),
// `using` (Symbol.dispose), sides collected without close(), and how a JS side sleeps when its
// peer is native (futex) or JS (Atomics).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  allocateByteRing,
  allocateRing,
  ByteRingConsumer,
  ByteRingProducer,
  ErrorCode,
  NativeRingThread,
  RingConsumer,
  RingProducer,
  releaseRole,
} from '../src/index.js';
import { ROLE_STATE_MASK, Role, Sleeper, Word } from '../src/layout.js';
import { futex } from '../src/native.js';
import { jsSide } from './helpers/pair.js';

const state = (ring: SharedArrayBuffer, word: number) => Atomics.load(new Int32Array(ring), word) & ROLE_STATE_MASK;
const generation = (ring: SharedArrayBuffer, word: number) => Atomics.load(new Int32Array(ring), word) >>> 2;

/**
 * Waits until the consumer's sleeping word is non-zero and returns it, or 0 after 20 s: long
 * enough for a worker to start, import the package and go to sleep on a loaded machine.
 */
async function sleepingBits(ring: SharedArrayBuffer): Promise<number> {
  const words = new Int32Array(ring);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const bits = Atomics.load(words, Word.CONSUMER_SLEEPING);
    if (bits !== 0 || Date.now() > deadline) return bits;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

describe('the role word: state and claim generation together', () => {
  it('each claim moves the generation on; close keeps it; a closed role can be claimed again', () => {
    const ring = allocateRing({ capacity: 8 });
    expect([state(ring, Word.PRODUCER_ROLE), generation(ring, Word.PRODUCER_ROLE)]).toEqual([Role.FREE, 0]);
    const first = new RingProducer(ring);
    expect([state(ring, Word.PRODUCER_ROLE), generation(ring, Word.PRODUCER_ROLE)]).toEqual([Role.JS, 1]);
    first.close();
    expect([state(ring, Word.PRODUCER_ROLE), generation(ring, Word.PRODUCER_ROLE)]).toEqual([Role.CLOSED, 1]);
    const second = new RingProducer(ring);
    expect([state(ring, Word.PRODUCER_ROLE), generation(ring, Word.PRODUCER_ROLE)]).toEqual([Role.JS, 2]);
    second.close();
  });

  it('a JS side whose role was taken back never frees the next holder’s role (a native thread here)', async () => {
    const ring = allocateByteRing({ capacity: 1024 });
    const stale = new ByteRingProducer(ring);
    expect(releaseRole(ring, 'producer')).toBe(true);
    // the next holder: a native producer of 5 records (lockstep: it waits for the consumer), into
    // a JS consumer in a worker
    const thread = NativeRingThread.start(ring, {
      role: 'producer',
      count: 5,
      timeoutMs: 20_000,
      maxLength: 100,
      lockstep: true,
    });
    stale.close(); // must not touch the native thread's role
    expect(state(ring, Word.PRODUCER_ROLE)).toBe(Role.NATIVE);
    const consumer = await jsSide(ring, 'byte', 'consumer', {
      count: 5,
      timeoutMs: 20_000,
      wait: 'park',
      perMessage: true,
      maxLength: 100,
    });
    const produced = await thread.finished();
    expect(consumer).toMatchObject({ count: 5, errors: 0, timedOut: false, checksum: produced.checksum });
    expect(state(ring, Word.PRODUCER_ROLE)).toBe(Role.CLOSED);
  });

  it('a native thread whose role was taken back leaves the next JS holder’s role alone when it ends', async () => {
    const ring = allocateRing({ capacity: 8 });
    // lockstep: the native producer waits for a sleeping consumer that never comes, then times out
    const thread = NativeRingThread.start(ring, { role: 'producer', count: 1, timeoutMs: 300, lockstep: true });
    expect(releaseRole(ring, 'producer')).toBe(true);
    const next = new RingProducer(ring);
    const token = Atomics.load(new Int32Array(ring), Word.PRODUCER_ROLE);
    expect((await thread.finished()).timedOut).toBe(true);
    // the native thread's release_role() compared its own token: the word is still `next`'s
    expect(Atomics.load(new Int32Array(ring), Word.PRODUCER_ROLE)).toBe(token);
    expect(() => new RingProducer(ring)).toThrow(expect.objectContaining({ code: ErrorCode.ROLE_TAKEN }));
    next.close();
    expect(state(ring, Word.PRODUCER_ROLE)).toBe(Role.CLOSED);
  });
});

describe('a native side parked in futex(2)', () => {
  it('wakes when its JS peer closes with nothing pending, and stops there', async () => {
    const ring = allocateRing({ capacity: 8 });
    const thread = NativeRingThread.start(ring, { role: 'consumer', count: 1_000, timeoutMs: 20_000 });
    const producer = new RingProducer(ring);
    for (let i = 0; i < 10; i++) {
      while (!producer.push(i)) expect(producer.waitWritable(10_000)).toBe(true); // a futex sleep: the peer is native
    }
    producer.flush();
    // wait (bounded) until the native consumer has taken all 10 and parked, then close
    expect(await sleepingBits(ring)).toBe(Sleeper.FUTEX);
    producer.close();
    const result = await thread.finished();
    expect(result).toMatchObject({ count: 10, errors: 0, timedOut: true }); // stopped: the peer closed
  });
});

describe('Symbol.dispose', () => {
  it('`using` closes every kind of side at the end of its block', () => {
    const slots = allocateRing({ capacity: 8 });
    const bytes = allocateByteRing({ capacity: 64 });
    {
      using producer = new RingProducer(slots, { type: 'int32' });
      using consumer = new RingConsumer(slots, { type: 'int32' });
      using writer = new ByteRingProducer(bytes);
      using reader = new ByteRingConsumer(bytes);
      producer.push(5);
      producer.flush();
      writer.write(Uint8Array.of(1));
      writer.flush();
      expect([consumer.pop(), reader.read(() => {})]).toEqual([5, 1]);
    }
    for (const [ring, word] of [
      [slots, Word.PRODUCER_ROLE],
      [slots, Word.CONSUMER_ROLE],
      [bytes, Word.PRODUCER_ROLE],
      [bytes, Word.CONSUMER_ROLE],
    ] as const) {
      expect(state(ring, word)).toBe(Role.CLOSED);
    }
  });
});

describe('a side collected without close()', () => {
  it('releases its role and wakes the peer (child process with --expose-gc)', async () => {
    const child = new URL('./children/collected-side.mjs', import.meta.url);
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', child.pathname], {
      timeout: 30_000,
    });
    expect(JSON.parse(stdout)).toEqual({ seenBefore: false, released: true, woke: false, reattached: true });
  });
});

describe('how a JS side sleeps', () => {
  it('with a JS peer: Atomics.wait, woken by Atomics.notify', async () => {
    const ring = allocateRing({ capacity: 8 });
    const producer = new RingProducer(ring);
    const consumer = jsSide(ring, 'slot', 'consumer', { count: 1, timeoutMs: 20_000, wait: 'park' });
    expect(await sleepingBits(ring)).toBe(Sleeper.ATOMICS);
    producer.push(0);
    producer.flush();
    expect(await consumer).toMatchObject({ count: 1, errors: 0, timedOut: false });
    producer.close();
  });

  it.each(['park', 'async'] as const)(
    'with a native peer (%s): futex(2), woken by the peer’s FUTEX_WAKE',
    async (wait) => {
      expect(futex).not.toBeNull();
      const ring = allocateRing({ capacity: 8 });
      const words = new Int32Array(ring);
      // Stand in for a native producer that closes: claim its role as native, then close it and
      // wake the way C++ does (a futex wake only: Atomics.notify would not reach a futex sleeper).
      words[Word.PRODUCER_ROLE] = (1 << 2) | Role.NATIVE;
      const consumer = jsSide(ring, 'slot', 'consumer', { count: 1, timeoutMs: 20_000, wait });
      expect(await sleepingBits(ring)).toBe(Sleeper.FUTEX);
      Atomics.store(words, Word.PRODUCER_ROLE, (1 << 2) | Role.CLOSED);
      Atomics.add(words, Word.CONSUMER_WAKE, 1);
      futex?.futexWake(words, Word.CONSUMER_WAKE);
      expect(await consumer).toMatchObject({ count: 0, timedOut: true }); // the peer closed with nothing
    },
  );
});
