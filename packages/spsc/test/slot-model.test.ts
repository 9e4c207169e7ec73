// Model-based tests: random sequences of every slot-ring operation, checked against a plain
// array queue, from every start offset (including just before the 32-bit counters wrap).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateRing, type ElementType, RingConsumer, RingProducer } from '../src/index.js';
import { startCountersAt } from './helpers/offset.js';

type Op =
  | { op: 'push' }
  | { op: 'pushMany'; n: number; typed: boolean }
  | { op: 'pop' }
  | { op: 'popMany'; n: number }
  | { op: 'drain'; max: number | undefined }
  | { op: 'flush' };

const ops = fc.array(
  fc.oneof(
    fc.constant<Op>({ op: 'push' }),
    fc.record({ op: fc.constant('pushMany' as const), n: fc.integer({ min: 0, max: 20 }), typed: fc.boolean() }),
    fc.constant<Op>({ op: 'pop' }),
    fc.record({ op: fc.constant('popMany' as const), n: fc.integer({ min: 0, max: 20 }) }),
    fc.record({
      op: fc.constant('drain' as const),
      max: fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }),
    }),
    fc.constant<Op>({ op: 'flush' }),
  ),
  { maxLength: 200 },
);

const TYPES: Record<ElementType, { make: (i: number) => number | bigint; array: (n: number) => never }> = {
  int32: { make: (i) => (i * 2654435761) | 0, array: (n) => new Int32Array(n) as never },
  float64: { make: (i) => i / 3, array: (n) => new Float64Array(n) as never },
  bigint64: { make: (i) => BigInt(i) * 0x1_0000_0001n - 7n, array: (n) => new BigInt64Array(n) as never },
};

function setup(capacity: number, type: ElementType, start: number, batch: number) {
  const ring = startCountersAt(allocateRing({ capacity, type }), start);
  const producer = new RingProducer(ring, { publishEvery: batch, autoFlush: false });
  const consumer = new RingConsumer(ring, { publishEvery: batch, autoFlush: false });
  return { producer, consumer };
}

describe('slot ring against an array model', () => {
  it('batch 1: every operation agrees with the model exactly, at every offset and wrap', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(2, 4, 8, 16),
        fc.constantFrom<ElementType>('int32', 'float64', 'bigint64'),
        fc.oneof(fc.constantFrom(0, 2 ** 31 - 3, 2 ** 32 - 5), fc.integer({ min: 0, max: 2 ** 32 - 1 })),
        ops,
        (capacity, type, start, program) => {
          const { producer, consumer } = setup(capacity, type, start, 1);
          const { make, array } = TYPES[type];
          const model: (number | bigint)[] = [];
          let next = 0;
          for (const step of program) {
            switch (step.op) {
              case 'push': {
                const value = make(next);
                const ok = producer.push(value);
                expect(ok).toBe(model.length < capacity);
                if (ok) {
                  model.push(value);
                  next++;
                }
                break;
              }
              case 'pushMany': {
                const values = Array.from({ length: step.n }, (_, i) => make(next + i));
                const source = step.typed ? (array(step.n) as unknown as { set(v: unknown[]): void }) : values;
                if (step.typed) (source as { set(v: unknown[]): void }).set(values);
                const count = producer.pushMany(source as never);
                expect(count).toBe(Math.min(step.n, capacity - model.length));
                model.push(...values.slice(0, count));
                next += count;
                break;
              }
              case 'pop':
                expect(consumer.pop()).toBe(model.shift());
                break;
              case 'popMany': {
                const target = array(step.n) as unknown as ArrayLike<number | bigint>;
                const count = consumer.popMany(target as never);
                const expected = model.splice(0, Math.min(step.n, model.length));
                expect(count).toBe(expected.length);
                expect(Array.from(target).slice(0, count)).toEqual(expected);
                break;
              }
              case 'drain': {
                const seen: (number | bigint)[] = [];
                const count = consumer.drain((v) => seen.push(v), step.max);
                const expected = model.splice(0, Math.min(step.max ?? Number.POSITIVE_INFINITY, model.length));
                expect(count).toBe(expected.length);
                expect(seen).toEqual(expected);
                break;
              }
              case 'flush':
                producer.flush();
                consumer.flush();
                break;
            }
            expect(consumer.available).toBe(model.length);
            expect(producer.free).toBe(capacity - model.length);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('any batch: values arrive in order, none lost or duplicated; after flush both sides agree with the model', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(2, 8, 32),
        fc.integer({ min: 1, max: 40 }),
        fc.oneof(fc.constantFrom(0, 2 ** 32 - 5), fc.integer({ min: 0, max: 2 ** 32 - 1 })),
        ops,
        (capacity, batchWanted, start, program) => {
          const batch = Math.min(batchWanted, capacity);
          const { producer, consumer } = setup(capacity, 'int32', start, batch);
          let pushed = 0;
          let popped = 0;
          const take = (v: number | bigint) => {
            expect(v).toBe(popped);
            popped++;
          };
          for (const step of program) {
            if (step.op === 'push') {
              if (producer.push(pushed)) pushed++;
              else {
                // full only when the consumer has not handed enough slots back
                expect(pushed - popped).toBeGreaterThan(0);
              }
            } else if (step.op === 'pushMany') {
              const values = Int32Array.from({ length: step.n }, (_, i) => pushed + i);
              pushed += producer.pushMany(values);
            } else if (step.op === 'pop') {
              const v = consumer.pop();
              if (v !== undefined) take(v);
            } else if (step.op === 'popMany') {
              const target = new Int32Array(step.n);
              const n = consumer.popMany(target);
              for (let i = 0; i < n; i++) take(target[i] as number);
            } else if (step.op === 'drain') {
              consumer.drain(take, step.max);
            } else {
              producer.flush();
              consumer.flush();
              expect(consumer.available).toBe(pushed - popped);
              expect(producer.free).toBe(capacity - (pushed - popped));
            }
            expect(pushed - popped).toBeLessThanOrEqual(capacity);
          }
          producer.flush();
          consumer.drain(take);
          expect(popped).toBe(pushed);
        },
      ),
      { numRuns: 300 },
    );
  });
});
