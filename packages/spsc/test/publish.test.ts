// When writes become visible: at flush(), at the batch threshold, and in a microtask at the end
// of the task; and when read slots go back to the producer.
import { describe, expect, it } from 'vitest';
import {
  allocateByteRing,
  allocateRing,
  ByteRingConsumer,
  ByteRingProducer,
  RingConsumer,
  RingProducer,
} from '../src/index.js';

const microtask = () => new Promise<void>((resolve) => queueMicrotask(resolve));

describe('publishing', () => {
  it('values become visible at the batch threshold, not before', () => {
    const ring = allocateRing({ capacity: 16 });
    const producer = new RingProducer(ring, { publishEvery: 4, autoFlush: false });
    const consumer = new RingConsumer(ring);
    for (let i = 0; i < 3; i++) producer.push(i);
    expect(consumer.available).toBe(0);
    producer.push(3);
    expect(consumer.available).toBe(4);
    producer.push(4);
    expect(consumer.available).toBe(4);
    producer.flush();
    expect(consumer.available).toBe(5);
  });

  it('what is left is published in a microtask at the end of the task', async () => {
    const ring = allocateRing({ capacity: 16, type: 'bigint64' });
    const producer = new RingProducer(ring, { publishEvery: 8 });
    const consumer = new RingConsumer(ring);
    producer.push(1n);
    producer.push(2n);
    expect(consumer.available).toBe(0);
    await microtask();
    expect(consumer.available).toBe(2);
    expect([consumer.pop(), consumer.pop()]).toEqual([1n, 2n]);
  });

  it('a single record after every publish still gets its microtask (slot and byte rings)', async () => {
    const ring = allocateRing({ capacity: 16 });
    const producer = new RingProducer(ring, { publishEvery: 2 });
    const consumer = new RingConsumer(ring);
    producer.push(1); // the only record of this task
    await microtask();
    expect(consumer.pop()).toBe(1);
    producer.push(2);
    producer.push(3); // the threshold publishes 2 and 3
    producer.push(4); // and 4 is left for the microtask queued by 2
    await microtask();
    expect([consumer.pop(), consumer.pop(), consumer.pop(), consumer.pop()]).toEqual([2, 3, 4, undefined]);
    const bytes = allocateByteRing({ capacity: 256 });
    const writer = new ByteRingProducer(bytes, { publishEvery: 4 });
    const reader = new ByteRingConsumer(bytes);
    writer.write(Uint8Array.of(9), 1);
    await microtask();
    const types: number[] = [];
    expect(reader.read((_, type) => types.push(type))).toBe(1);
    expect(types).toEqual([1]);
  });

  it('autoFlush: false leaves publishing to flush() and the batch threshold', async () => {
    const ring = allocateByteRing({ capacity: 256 });
    const producer = new ByteRingProducer(ring, { publishEvery: 8, autoFlush: false });
    const consumer = new ByteRingConsumer(ring);
    producer.write(Uint8Array.of(1));
    await microtask();
    await new Promise((resolve) => setTimeout(resolve, 1));
    expect(consumer.read(() => {})).toBe(0);
    producer.flush();
    expect(consumer.read(() => {})).toBe(1);
  });

  it('a full ring publishes what is pending, from push() and from pushMany() alike', () => {
    const ring = allocateRing({ capacity: 4 });
    const producer = new RingProducer(ring, { publishEvery: 4, autoFlush: false });
    const consumer = new RingConsumer(ring);
    expect(producer.pushMany([0, 1])).toBe(2);
    producer.push(2);
    producer.push(3); // the ring is full; 2 and 3 are not published yet
    expect(consumer.available).toBe(2);
    expect(producer.pushMany([4])).toBe(0);
    expect(consumer.available).toBe(4);
    expect(consumer.popMany(new Int32Array(4))).toBe(4);
    expect(producer.pushMany([4, 5])).toBe(2);
    producer.push(6);
    producer.push(7); // full again, 6 and 7 pending
    expect(consumer.available).toBe(2);
    expect(producer.push(8)).toBe(false);
    expect(consumer.available).toBe(4);
  });

  it('the consumer hands slots back at its batch threshold, when empty, or in a microtask', async () => {
    const ring = allocateRing({ capacity: 8 });
    const producer = new RingProducer(ring, { publishEvery: 1 });
    const consumer = new RingConsumer(ring, { publishEvery: 4 });
    for (let i = 0; i < 8; i++) producer.push(i);
    expect(producer.free).toBe(0);
    consumer.pop();
    consumer.pop();
    expect(producer.free).toBe(0); // read, not yet handed back
    await microtask();
    expect(producer.free).toBe(2);
    for (let i = 0; i < 4; i++) consumer.pop();
    expect(producer.free).toBe(6); // the threshold published at the 4th pop
    consumer.pop();
    consumer.pop();
    expect(consumer.pop()).toBeUndefined(); // empty: hands everything back at once
    expect(producer.free).toBe(8);
  });

  it('drain and popMany hand their slots back with one store at the end', () => {
    const ring = allocateRing({ capacity: 8, type: 'float64' });
    const producer = new RingProducer(ring, { publishEvery: 1 });
    const consumer = new RingConsumer(ring, { publishEvery: 8, autoFlush: false });
    expect(producer.pushMany(Float64Array.of(0.5, 1.5, 2.5, 3.5, 4.5))).toBe(5);
    const seen: number[] = [];
    expect(consumer.drain((v) => seen.push(v as number), 2)).toBe(2);
    expect(producer.free).toBe(5);
    const target = new Float64Array(8);
    expect(consumer.popMany(target)).toBe(3);
    expect(producer.free).toBe(8);
    expect([...seen, ...target.subarray(0, 3)]).toEqual([0.5, 1.5, 2.5, 3.5, 4.5]);
  });

  it('a handler that throws: the records before it, and its own, count as read', () => {
    const ring = allocateByteRing({ capacity: 256 });
    const producer = new ByteRingProducer(ring, { publishEvery: 1 });
    const consumer = new ByteRingConsumer(ring);
    for (let i = 0; i < 4; i++) producer.write(Uint8Array.of(i), i);
    const types: number[] = [];
    expect(() =>
      consumer.read((_, type) => {
        types.push(type);
        if (type === 1) throw new Error('boom');
      }),
    ).toThrow('boom');
    consumer.read((_, type) => types.push(type));
    expect(types).toEqual([0, 1, 2, 3]);
  });
});
