// The package's words (CONTRIBUTING.md, "One word per idea"): `publishEvery` (was `batch`),
// `capabilities()` (was `nativeThreads()`), each old name kept one release behind a
// DeprecationWarning; slot rings typed by their element type.
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  allocateByteRing,
  allocateRing,
  ByteRingProducer,
  capabilities,
  ErrorCode,
  nativeThreads,
  RingConsumer,
  RingProducer,
} from '../src/index.js';

/** The DeprecationWarnings `fn` emits (the shared helper emits each code once per process). */
async function warningsOf(fn: () => void): Promise<{ code: string; message: string }[]> {
  const seen: { code: string; message: string }[] = [];
  const listen = (w: Error & { code?: string }) => {
    if (w.name === 'DeprecationWarning') seen.push({ code: w.code ?? '', message: w.message });
  };
  process.on('warning', listen);
  try {
    fn();
    await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
  } finally {
    process.off('warning', listen);
  }
  return seen;
}

describe('publishEvery, and batch as its deprecated alias', () => {
  it('publishEvery sets the threshold', () => {
    const ring = allocateRing({ capacity: 8 });
    const producer = new RingProducer(ring, { publishEvery: 2, autoFlush: false });
    const consumer = new RingConsumer(ring);
    producer.push(1);
    expect(consumer.available).toBe(0);
    producer.push(2);
    expect(consumer.available).toBe(2);
  });

  it('batch still works, with CORELANE_DEP0004', async () => {
    const ring = allocateRing({ capacity: 8 });
    let producer: RingProducer | undefined;
    const warnings = await warningsOf(() => {
      producer = new RingProducer(ring, { batch: 2, autoFlush: false });
    });
    expect(warnings).toEqual([{ code: 'CORELANE_DEP0004', message: expect.stringMatching(/publishEvery/) }]);
    const consumer = new RingConsumer(ring);
    producer?.push(1);
    producer?.push(2);
    expect(consumer.available).toBe(2);
  });

  it('batch and publishEvery that disagree throw before the role is claimed', () => {
    const ring = allocateRing({ capacity: 8 });
    const bytes = allocateByteRing({ capacity: 64 });
    expect(() => new ByteRingProducer(bytes, { batch: 2, publishEvery: 3 })).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_ARGUMENT }),
    );
    new ByteRingProducer(bytes).close(); // the role was never taken
    expect(() => new RingProducer(ring, { batch: 2, publishEvery: 3 })).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_ARGUMENT }),
    );
    new RingProducer(ring).close(); // the role was never taken
  });
});

describe('capabilities(), and nativeThreads() as its deprecated alias', () => {
  it('nativeThreads() answers as before, with CORELANE_DEP0005', async () => {
    let answer: unknown;
    const warnings = await warningsOf(() => {
      answer = nativeThreads();
    });
    expect(warnings).toEqual([{ code: 'CORELANE_DEP0005', message: expect.stringMatching(/capabilities/) }]);
    const { supported, reason } = capabilities().nativeThreads;
    expect(answer).toEqual({ available: supported, reason: supported ? null : reason });
  });
});

describe('slot rings typed by element type', () => {
  it('the type is inferred from { type } and checked at compile time', () => {
    const big = allocateRing({ capacity: 8, type: 'bigint64' });
    const producer = new RingProducer(big, { type: 'bigint64' });
    const consumer = new RingConsumer(big, { type: 'bigint64' });
    expectTypeOf(producer.push).parameter(0).toEqualTypeOf<bigint>();
    expectTypeOf(consumer.pop()).toEqualTypeOf<bigint | undefined>();
    // @ts-expect-error a bigint64 ring takes bigints, not numbers (and throws at run time too)
    expect(() => producer.push(1)).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_ARGUMENT }));
    producer.push(1n);
    producer.flush();
    expect(consumer.pop()).toBe(1n);

    const ints = allocateRing({ capacity: 8 });
    const intProducer = new RingProducer(ints, { type: 'int32' });
    expectTypeOf(intProducer.push).parameter(0).toEqualTypeOf<number>();
    // @ts-expect-error an int32 ring takes numbers
    expect(() => intProducer.push(1n)).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_ARGUMENT }));
    const intConsumer = new RingConsumer(ints, { type: 'int32' });
    expectTypeOf(intConsumer.popMany).parameter(0).toEqualTypeOf<Int32Array>();
    // without `type`, either kind of value (checked at run time)
    const untyped = new RingProducer(allocateRing({ capacity: 8, type: 'float64' }));
    expectTypeOf(untyped.push).parameter(0).toEqualTypeOf<number | bigint>();
  });
});
