// Reads from inside a handler, and close() from inside a handler: records are handed out once.
import { describe, expect, it } from 'vitest';
import {
  allocateByteRing,
  allocateRing,
  ByteRingConsumer,
  ByteRingProducer,
  ErrorCode,
  RingConsumer,
  RingProducer,
} from '../src/index.js';

const reentrant = expect.objectContaining({
  code: ErrorCode.INVALID_STATE,
  message: expect.stringMatching(/re-entrant read/),
});
const roleTaken = expect.objectContaining({ code: ErrorCode.ROLE_TAKEN });

function slotRingWith(values: number[]) {
  const ring = allocateRing({ capacity: 16 });
  const producer = new RingProducer(ring);
  for (const v of values) producer.push(v);
  producer.flush();
  return { ring, producer, consumer: new RingConsumer(ring) };
}

function byteRingWith(types: number[]) {
  const ring = allocateByteRing({ capacity: 256 });
  const producer = new ByteRingProducer(ring);
  for (const t of types) producer.write(Uint8Array.of(t), t);
  producer.flush();
  return { ring, producer, consumer: new ByteRingConsumer(ring) };
}

describe('a read from inside a handler', () => {
  it('pop(), popMany(), drain() and the waits throw re-entrant read inside drain(), and nothing is delivered twice', async () => {
    const { consumer } = slotRingWith([1, 2, 3, 4, 5]);
    const seen: unknown[] = [];
    const nested: unknown[] = [];
    const count = consumer.drain((v) => {
      seen.push(v);
      for (const read of [
        () => consumer.pop(),
        () => consumer.popMany(new Int32Array(4)),
        () => consumer.drain((w) => nested.push(w)),
        () => consumer.waitReadable(0),
      ]) {
        expect(read).toThrow(reentrant);
      }
    });
    expect(count).toBe(5);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(nested).toEqual([]);
    expect(consumer.pop()).toBeUndefined();
    // usable again once the handler loop is over
    expect(consumer.waitReadable(0)).toBe(false);
  });

  it('readable() called inside a drain() handler rejects with re-entrant read', async () => {
    const { consumer } = slotRingWith([1]);
    let pending: Promise<boolean> | undefined;
    consumer.drain(() => {
      pending = consumer.readable(0);
    });
    await expect(pending).rejects.toThrow(reentrant);
  });

  it('a handler that throws ends the read: the consumer reads normally afterwards', () => {
    const { producer, consumer } = slotRingWith([1, 2, 3]);
    expect(() =>
      consumer.drain((v) => {
        if (v === 2) throw new Error('stop');
      }),
    ).toThrow('stop');
    producer.push(4);
    producer.flush();
    expect([consumer.pop(), consumer.pop(), consumer.pop()]).toEqual([3, 4, undefined]);
  });

  it('read() throws re-entrant read inside a read() handler, and nothing is delivered twice', () => {
    const { consumer } = byteRingWith([1, 2, 3]);
    const seen: number[] = [];
    const nested: number[] = [];
    expect(
      consumer.read((bytes, type) => {
        seen.push(type, bytes[0] as number);
        expect(() => consumer.read((_, t) => nested.push(t))).toThrow(reentrant);
        expect(() => consumer.waitReadable(0)).toThrow(reentrant);
      }),
    ).toBe(3);
    expect(seen).toEqual([1, 1, 2, 2, 3, 3]);
    expect(nested).toEqual([]);
    expect(consumer.read(() => {})).toBe(0);
  });
});

describe('close() from inside a handler', () => {
  it('drain(): stops handing out values, and releases the role only after publishing the ones handled', () => {
    const { ring, producer, consumer } = slotRingWith([1, 2, 3, 4]);
    const seen: unknown[] = [];
    const count = consumer.drain((v) => {
      seen.push(v);
      if (v === 2) {
        consumer.close();
        expect(consumer.closed).toBe(true);
        expect(() => consumer.pop()).toThrow(expect.objectContaining({ code: ErrorCode.CLOSED }));
        // the role is still held: a consumer attaching now would start before 1 and 2 are handed back
        expect(() => new RingConsumer(ring)).toThrow(roleTaken);
        expect(producer.peerClosed).toBe(false);
      }
    });
    expect(count).toBe(2);
    expect(seen).toEqual([1, 2]);
    expect(producer.peerClosed).toBe(true);
    const next = new RingConsumer(ring);
    const rest: unknown[] = [];
    next.drain((v) => rest.push(v));
    expect(rest).toEqual([3, 4]);
  });

  it('read(): stops handing out records, and releases the role only after publishing the ones read', () => {
    const { ring, producer, consumer } = byteRingWith([1, 2, 3, 4]);
    const seen: number[] = [];
    const count = consumer.read((_, type) => {
      seen.push(type);
      if (type === 2) {
        consumer.close();
        expect(() => new ByteRingConsumer(ring)).toThrow(roleTaken);
      }
    });
    expect(count).toBe(2);
    expect(seen).toEqual([1, 2]);
    expect(producer.peerClosed).toBe(true);
    const next = new ByteRingConsumer(ring);
    const rest: number[] = [];
    next.read((_, type) => rest.push(type));
    expect(rest).toEqual([3, 4]);
  });

  it('a handler that closes and then throws still releases the role after publishing', () => {
    const { ring, consumer } = slotRingWith([1, 2, 3]);
    expect(() =>
      consumer.drain(() => {
        consumer.close();
        throw new Error('after close');
      }),
    ).toThrow('after close');
    const next = new RingConsumer(ring);
    const rest: unknown[] = [];
    next.drain((v) => rest.push(v));
    expect(rest).toEqual([2, 3]);
  });
});
