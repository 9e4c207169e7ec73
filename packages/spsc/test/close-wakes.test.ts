// close() ends this side's own pending async waits: a readable()/writable() that is waiting when
// its side closes resolves false at once instead of sleeping out its timeout (an infinite one
// would keep the event loop alive forever).
import { describe, expect, it } from 'vitest';
import {
  allocateByteRing,
  allocateRing,
  ByteRingConsumer,
  ByteRingProducer,
  RingConsumer,
  RingProducer,
} from '../src/index.js';
import { within } from './helpers/within.js';

describe('close() during an async wait of the same side', () => {
  it('a consumer waiting in readable() resolves false when it is closed (peer attached, JS)', async () => {
    const ring = allocateRing({ capacity: 8 });
    const producer = new RingProducer(ring);
    const consumer = new RingConsumer(ring);
    const waiting = consumer.readable(); // no timeout
    await new Promise((resolve) => setTimeout(resolve, 5));
    consumer.close();
    expect(await within(waiting, 2_000)).toBe(false);
    producer.close();
  });

  it('a producer waiting in writable() resolves false when it is closed', async () => {
    const ring = allocateByteRing({ capacity: 64 });
    const producer = new ByteRingProducer(ring);
    const consumer = new ByteRingConsumer(ring);
    expect(producer.write(new Uint8Array(24))).toBe(true);
    expect(producer.write(new Uint8Array(24))).toBe(true);
    const waiting = producer.writable(undefined, 24);
    await new Promise((resolve) => setTimeout(resolve, 5));
    producer.close();
    expect(await within(waiting, 2_000)).toBe(false);
    consumer.close();
  });

  it('a wait whose records arrived but whose side closed before it resumed resolves false, not true', async () => {
    const ring = allocateRing({ capacity: 8 });
    const producer = new RingProducer(ring);
    const consumer = new RingConsumer(ring);
    const waiting = consumer.readable(); // asleep (Atomics.waitAsync: it resumes in a later task)
    producer.push(1);
    producer.flush(); // wakes it: it will find a value ready...
    consumer.close(); // ...but its side is closed by then: reading would throw ERR_CORELANE_CLOSED
    expect(await within(waiting, 2_000)).toBe(false);
    producer.close();
  });
});
