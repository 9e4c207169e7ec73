// A role changes hands while the old side still has a wait pending: the sleeping word belongs to
// the role, so the new side's announcement must survive the old side's wait ending. A closed
// side's pending wait resolves false some tasks after close(); if it then writes the sleeping
// word (its own, now empty, bits), the new side's "I sleep" is erased, the peer's next publish
// sees nobody asleep and wakes nobody, and the new side sleeps out its whole timeout.
import { describe, expect, it } from 'vitest';
import { allocateRing, RingConsumer, RingProducer } from '../src/index.js';
import { Role, Word } from '../src/layout.js';
import { futex } from '../src/native.js';
import { within } from './helpers/within.js';

describe('a side attaching while the closed side’s wait is still pending', () => {
  it('with a JS peer (Atomics): the new consumer’s readable() is woken by the next publish', async () => {
    const ring = allocateRing({ capacity: 8 });
    const producer = new RingProducer(ring);
    const old = new RingConsumer(ring);
    const oldWait = old.readable();
    old.close(); // its wait resolves false in a later task
    const next = new RingConsumer(ring);
    const nextWait = next.readable(10_000); // announces its sleep now
    expect(await oldWait).toBe(false); // the old wait ends here, after the new one announced
    producer.push(7);
    producer.flush(); // must see the new consumer asleep and wake it
    expect(await within(nextWait, 5_000)).toBe(true);
    expect(next.pop()).toBe(7);
    next.close();
    producer.close();
  });

  it('with a native peer (futex): the new consumer’s readable() is woken by the next publish', async () => {
    expect(futex).not.toBeNull();
    const ring = allocateRing({ capacity: 8 });
    const words = new Int32Array(ring);
    // a stand-in native producer: its role word, and its publish as wait.h does it (P1-P3,
    // a FUTEX_WAKE only when the consumer's sleeping word says it sleeps in futex)
    Atomics.store(words, Word.PRODUCER_ROLE, (1 << 2) | Role.NATIVE);
    const old = new RingConsumer(ring);
    const oldWait = old.readable();
    old.close();
    const next = new RingConsumer(ring);
    const nextWait = next.readable(10_000);
    expect(await oldWait).toBe(false);
    new Int32Array(ring, 512, 8)[0] = 9;
    Atomics.store(words, Word.TAIL, 1); // P1
    if (Atomics.load(words, Word.CONSUMER_SLEEPING) !== 0) {
      // P2, P3
      Atomics.add(words, Word.CONSUMER_WAKE, 1);
      futex?.futexWake(words, Word.CONSUMER_WAKE);
    }
    expect(await within(nextWait, 5_000)).toBe(true);
    expect(next.pop()).toBe(9);
    next.close();
  });
});
