// Model-based: random sequences of every operation, in one thread, against a JS Map of the same
// keys. A small first table and a small arena make the map grow its buckets and reuse blocks.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type MapKey, SharedMap } from '../src/index.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const modelKey = (key: MapKey) => (typeof key === 'string' ? `s:${key}` : `b:${hex(key)}`);

// A pool with look-alikes: 'a' and [0x61] are different keys; '' and [] too.
const keyPool: MapKey[] = [
  'a',
  Uint8Array.of(0x61),
  '',
  new Uint8Array(0),
  'é',
  '日本',
  'x'.repeat(100),
  ...Array.from({ length: 40 }, (_, i) => `k${i}`),
  ...Array.from({ length: 10 }, (_, i) => Uint8Array.of(i, 255 - i, i)),
];
const key = fc.constantFrom(...keyPool);
const value = fc.uint8Array({ maxLength: 300 });
const maybeValue = fc.option(value, { nil: undefined });

type Op =
  | { op: 'set'; key: MapKey; value: Uint8Array }
  | { op: 'get' | 'delete' | 'has'; key: MapKey }
  | { op: 'cas'; key: MapKey; expected: Uint8Array | undefined | 'current'; next: Uint8Array | undefined }
  | { op: 'update'; key: MapKey; append: number | undefined }
  | { op: 'add'; key: MapKey; delta: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('set' as const), key, value }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constantFrom('get' as const, 'delete' as const, 'has' as const), key }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('cas' as const),
      key,
      expected: fc.oneof(maybeValue, fc.constant('current' as const)),
      next: maybeValue,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('update' as const),
      key,
      append: fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('add' as const),
      key: fc.constantFrom('n1', 'n2'),
      delta: fc.integer({ min: -5, max: 5 }),
    }),
  },
);

function apply(map: SharedMap, model: Map<string, Uint8Array>, o: Op): void {
  const k = modelKey(o.key);
  switch (o.op) {
    case 'set':
      map.set(o.key, o.value);
      model.set(k, o.value.slice());
      break;
    case 'get':
      expect(map.get(o.key)).toEqual(model.get(k));
      break;
    case 'has':
      expect(map.has(o.key)).toBe(model.has(k));
      break;
    case 'delete':
      expect(map.delete(o.key)).toBe(model.delete(k));
      break;
    case 'cas': {
      const expected = o.expected === 'current' ? model.get(k) : o.expected;
      const current = model.get(k);
      const matches =
        current === undefined ? expected === undefined : expected !== undefined && hex(current) === hex(expected);
      expect(map.compareAndSet(o.key, expected, o.next)).toBe(matches);
      if (matches) {
        if (o.next === undefined) model.delete(k);
        else model.set(k, o.next.slice());
      }
      break;
    }
    case 'update': {
      const fn = (current: Uint8Array | undefined) =>
        o.append === undefined ? undefined : Uint8Array.from([...(current ?? []), o.append]);
      const next = fn(model.get(k));
      expect(map.update(o.key, fn)).toEqual(next);
      if (next === undefined) model.delete(k);
      else model.set(k, next);
      break;
    }
    case 'add': {
      const current = model.get(k);
      const before = current === undefined ? 0 : new DataView(current.buffer).getFloat64(0, true);
      if (current !== undefined && current.length !== 8) {
        expect(() => map.addNumber(o.key, o.delta)).toThrow();
        break;
      }
      expect(map.addNumber(o.key, o.delta)).toBe(before + o.delta);
      const bytes = new Uint8Array(8);
      new DataView(bytes.buffer).setFloat64(0, before + o.delta, true);
      model.set(k, bytes);
      break;
    }
  }
  expect(map.size).toBe(model.size);
}

describe('SharedMap against a JS Map (fast-check)', () => {
  it('every operation agrees with the model, and iteration yields exactly the model', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 20, maxLength: 400, size: 'max' }), (ops) => {
        const map = SharedMap.create({ capacity: 2, arenaBytes: 256 << 10, threads: 2 });
        const model = new Map<string, Uint8Array>();
        try {
          for (const o of ops) apply(map, model, o);
          const seen = new Map<string, string>();
          for (const [k, v] of map.entries()) {
            expect(seen.has(modelKey(k))).toBe(false);
            seen.set(modelKey(k), hex(v));
          }
          expect(seen).toEqual(new Map([...model].map(([k, v]) => [k, hex(v)])));
          for (const [k, v] of model) {
            const original = keyPool.find((candidate) => modelKey(candidate) === k) ?? k.slice(2);
            expect(map.withValue(original, (view) => hex(view))).toBe(hex(v));
          }
        } finally {
          map.close();
        }
      }),
      { numRuns: 150 },
    );
  });

  it('iteration stays weakly consistent while entries are deleted and added between batches', () => {
    const map = SharedMap.create({ capacity: 4, threads: 2 });
    for (let i = 0; i < 500; i++) map.setNumber(`k${i}`, i);
    const seen = new Set<string>();
    let i = 0;
    for (const k of map.keys()) {
      expect(seen.has(k as string)).toBe(false);
      seen.add(k as string);
      // Delete odd keys not yet seen, add new ones: never seen twice, every untouched key seen.
      if (i < 500) {
        map.delete(`k${i | 1}`);
        map.setNumber(`new${i}`, i);
        i += 2;
      }
    }
    for (let k = 0; k < 500; k += 2) expect(seen.has(`k${k}`)).toBe(true);
    map.close();
  });
});
