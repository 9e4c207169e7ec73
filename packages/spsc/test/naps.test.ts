// napMs: a sync wait naps (short timed sleeps it announces to nobody) before it sleeps announced.
// Across real worker threads, checked by sequence and checksum: values and records keep arriving
// whether the waiting side catches them in a nap or after its naps ran out (then the peer's
// publish wakes it, as without naps). And a publish caught in a nap costs the publisher no wake.
import { describe, expect, it } from 'vitest';
import { allocateByteRing, allocateRing, ByteRingProducer } from '../src/index.js';
import { Word } from '../src/layout.js';
import { jsSide, jsPair as pair } from './helpers/pair.js';

const TIMEOUT = 40_000;

describe('napMs, JS worker → JS worker', () => {
  it('slot ring full most of the time: both sides nap, then park', async () => {
    const count = 30_000;
    const spec = { count, timeoutMs: TIMEOUT, wait: 'park', publishEvery: 4, napMs: 0.2 } as const;
    await pair(allocateRing({ capacity: 16 }), 'slot', spec, { ...spec, pop: true });
  });

  it('records with pauses: the consumer, reading one at a time, naps through some gaps and sleeps through others', async () => {
    // pauseMsEvery: the producer publishes and idles a timer tick (>= 1 ms) every 20 records, longer
    // than the consumer's 0.1 ms of naps: it then sleeps announced and the next publish wakes it.
    const count = 2_000;
    await pair(
      allocateByteRing({ capacity: 1024 }),
      'byte',
      { count, timeoutMs: TIMEOUT, wait: 'park', publishEvery: 1, maxLength: 100, pauseMsEvery: 20 },
      { count, timeoutMs: TIMEOUT, wait: 'park', perMessage: true, maxLength: 100, napMs: 0.1 },
    );
  });

  it('a producer waiting for room naps too, and the consumer frees it', async () => {
    const count = 20_000;
    await pair(
      allocateByteRing({ capacity: 256 }),
      'byte',
      { count, timeoutMs: TIMEOUT, wait: 'park', fixedLength: 32, publishEvery: 2, napMs: 0.3 },
      { count, timeoutMs: TIMEOUT, wait: 'park', fixedLength: 32, publishEvery: 2 },
    );
  });
});

describe('napMs: what a nap announces', () => {
  /** Runs a consumer in a worker that waits once (waitReadable) with `napMs`; publishes one record once it waits. */
  async function publishWhileWaiting(napMs: number): Promise<{ ready: boolean; wakes: number }> {
    const ring = allocateByteRing({ capacity: 1024 });
    const words = new Int32Array(ring, 0, 128);
    const producer = new ByteRingProducer(ring, { publishEvery: 1 });
    const consumer = jsSide(ring, 'byte', 'consumer', {
      count: 1,
      timeoutMs: TIMEOUT,
      wait: 'park',
      fixedLength: 8,
      napMs,
    });
    // Without naps the consumer announces its sleep: wait for the bit, so the publish must wake it.
    // With 1 s of naps it does not announce before the publish: publish once it has attached.
    const deadline = performance.now() + TIMEOUT;
    const until = napMs === 0 ? () => Atomics.load(words, Word.CONSUMER_SLEEPING) !== 0 : () => producer.peerAttached;
    while (!until() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 1));
    await new Promise((resolve) => setTimeout(resolve, 20)); // napping (or asleep) by now
    const at = producer.claimOffset(8, 0);
    for (let j = 0; j < 8; j++) producer.data[at + j] = j & 0xff;
    producer.commit(); // publishEvery 1: published here, waking the consumer only if it announced a sleep
    const report = await consumer;
    // The consumer's own close() bumps its wake word once (sleep.ts: wakeOwn); the rest are the publish's.
    const wakes = Atomics.load(words, Word.CONSUMER_WAKE) - 1;
    producer.close();
    return { ready: report.count === 1 && report.errors === 0 && !report.timedOut, wakes };
  }

  it('without naps the publish wakes the sleeping consumer (one wake)', async () => {
    expect(await publishWhileWaiting(0)).toEqual({ ready: true, wakes: 1 });
  });

  it('a consumer napping when the record is published sees it with no wake at all', async () => {
    expect(await publishWhileWaiting(1_000)).toEqual({ ready: true, wakes: 0 });
  });
});
