// Model-based tests of the in-place write and read paths: random programs of route() (every key
// kind, payloads of 0..96 bytes, rings small enough to wrap and fill), bad route() calls, reads
// through a RoutedReader or through views + decodeRoutedRecord(), and flushes, checked against a
// model: per target, a queue of the records route() accepted, of which the consumer sees exactly
// the published ones (spsc publishes every `publishEvery` records, on flush(), and when a claim
// finds the ring full). A bad call must throw its typed error with the ring's bytes unchanged.
import { allocateByteRing, ByteRingConsumer, ByteRingProducer } from '@corelane/spsc';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  decodeRoutedRecord,
  partition,
  RoutedReader,
  RoutedRecordType,
  type RoutedRecordView,
  Router,
  type RouterKey,
} from '../src/index.js';

/** What the model expects a record to hold. */
interface Expected {
  type: number;
  keyBytes: Uint8Array;
  key: Uint8Array | string | number | bigint;
  payload: Uint8Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A key's record type, stored bytes and decoded value, as routed-record.ts documents them. */
function expectedOf(key: RouterKey, payload: Uint8Array): Expected {
  if (key instanceof Uint8Array)
    return { type: RoutedRecordType.BYTES, keyBytes: key.slice(), key: key.slice(), payload };
  if (typeof key === 'string') {
    const keyBytes = encoder.encode(key);
    return { type: RoutedRecordType.STRING, keyBytes, key: decoder.decode(keyBytes), payload };
  }
  const keyBytes = new Uint8Array(8);
  new DataView(keyBytes.buffer).setBigUint64(0, BigInt.asUintN(64, BigInt(key)), true);
  if (typeof key === 'number') return { type: RoutedRecordType.NUMBER, keyBytes, key, payload };
  return { type: RoutedRecordType.BIGINT, keyBytes, key: BigInt.asUintN(64, key), payload };
}

const keyArb: fc.Arbitrary<RouterKey> = fc.oneof(
  // Keys that come back: route() remembers the targets of ASCII ones (up to 64 units) and
  // writes them on its hot path, which must give the same records and the same errors.
  fc.constantFrom('k', 'user:1', 'session:9f3a77c1', 'a'.repeat(64), 'b'.repeat(65), 'ü-1', ''),
  fc.uint8Array({ maxLength: 40 }),
  fc.string({ maxLength: 20 }), // ASCII: the fast path
  fc.string({ unit: 'binary', maxLength: 12 }), // any UTF-16, lone surrogates too
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.maxSafeInteger(),
  fc.integer({ min: -5, max: 5 }),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
);

/** Calls route() refuses, each with the code it must throw. */
const badCalls: [string, unknown, unknown, string][] = [
  ['a float key', 1.5, new Uint8Array(1), 'ERR_CORELANE_OUT_OF_RANGE'],
  ['a bigint above u64', 2n ** 64n, new Uint8Array(1), 'ERR_CORELANE_OUT_OF_RANGE'],
  ['an object key', { id: 1 }, new Uint8Array(1), 'ERR_CORELANE_INVALID_ARGUMENT'],
  ['a payload that is not a Uint8Array', 'k', [1, 2], 'ERR_CORELANE_INVALID_ARGUMENT'],
  ['a record larger than the ring allows', 'k', new Uint8Array(4096), 'ERR_CORELANE_RECORD_TOO_LARGE'],
];

const op = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ op: fc.constant('route' as const), key: keyArb, size: fc.nat({ max: 96 }), seed: fc.nat() }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('bad' as const), which: fc.nat({ max: badCalls.length - 1 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('read' as const),
      target: fc.nat({ max: 3 }),
      max: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
      inPlace: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ op: 'flush' as const }) },
);

const open: { close(): void }[] = [];
afterEach(() => {
  for (const side of open.splice(0)) side.close();
});

function expectKey(actual: unknown, expected: Expected['key']): void {
  if (expected instanceof Uint8Array) expect([...(actual as Uint8Array)]).toEqual([...expected]);
  else expect(actual).toBe(expected);
}

describe('route() and RoutedReader against a per-target queue model', () => {
  it('every record read is the next published one of its target, intact; bad calls change nothing', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom(256, 512, 1024),
        fc.integer({ min: 1, max: 8 }),
        fc.array(op, { maxLength: 120 }),
        (targets, capacity, publishEvery, program) => {
          const rings = Array.from({ length: targets }, () => allocateByteRing({ capacity }));
          const producers = rings.map((ring) => new ByteRingProducer(ring, { publishEvery, autoFlush: false }));
          const consumers = rings.map((ring) => new ByteRingConsumer(ring));
          const readers = consumers.map((consumer) => new RoutedReader(consumer));
          open.push(...producers, ...consumers);
          const router = new Router(producers, { policy: 'drop' });
          // The model: per target, records accepted, and how many of them are published.
          const queues: Expected[][] = rings.map(() => []);
          const published = rings.map(() => 0);
          const pending = rings.map(() => 0);
          const publish = (t: number): void => {
            published[t] = queues[t]?.length as number;
            pending[t] = 0;
          };
          let routed = 0;
          let dropped = 0;
          for (const step of program) {
            if (step.op === 'route') {
              const payload = Uint8Array.from({ length: step.size }, (_, j) => (step.seed + j * 13) & 0xff);
              const want = partition(step.key, targets);
              const expected = expectedOf(step.key, payload);
              if (4 + expected.keyBytes.length + step.size > (producers[want] as ByteRingProducer).maxRecordBytes) {
                const before = new Uint8Array(rings[want] as SharedArrayBuffer).slice();
                expect(() => router.route(step.key, payload)).toThrow(
                  expect.objectContaining({ code: 'ERR_CORELANE_RECORD_TOO_LARGE' }),
                );
                expect(new Uint8Array(rings[want] as SharedArrayBuffer)).toEqual(before);
                continue;
              }
              const got = router.route(step.key, payload);
              if (got === -1) {
                // Dropped only when the ring really has no room (spsc's own rule), after a publish.
                expect(producers[want]?.canWrite(4 + expected.keyBytes.length + step.size)).toBe(false);
                publish(want);
                dropped++;
              } else {
                expect(got).toBe(want);
                queues[want]?.push(expected);
                routed++;
                pending[want] = (pending[want] as number) + 1;
                if (pending[want] === publishEvery) publish(want);
              }
            } else if (step.op === 'bad') {
              const [, key, payload, code] = badCalls[step.which] as (typeof badCalls)[number];
              const before = rings.map((ring) => new Uint8Array(ring).slice());
              expect(() => router.route(key as RouterKey, payload as Uint8Array)).toThrow(
                expect.objectContaining({ code }),
              );
              rings.forEach((ring, t) => {
                expect(new Uint8Array(ring)).toEqual(before[t]);
              });
            } else if (step.op === 'flush') {
              router.flush();
              for (let t = 0; t < targets; t++) publish(t);
            } else {
              const t = step.target % targets;
              const queue = queues[t] as Expected[];
              const seen: Expected[] = [];
              const n = step.inPlace
                ? (readers[t] as RoutedReader).read((r: RoutedRecordView) => {
                    // The same view over the ring's data for every record; offsets within it.
                    expect(r.data).toBe((consumers[t] as ByteRingConsumer).data);
                    expect(r.payloadOffset).toBe(r.keyOffset + r.keyLength);
                    const bytes = r.data.slice(r.keyOffset - 4, r.payloadOffset + r.payloadLength);
                    const decoded = decodeRoutedRecord(bytes, r.type);
                    expectKey(r.key(), decoded.key);
                    expect([...r.payload()]).toEqual([...decoded.payload]);
                    seen.push({
                      type: r.type,
                      keyBytes: r.data.slice(r.keyOffset, r.keyOffset + r.keyLength),
                      key: ((k) => (k instanceof Uint8Array ? k.slice() : k))(r.key()),
                      payload: r.payload().slice(),
                    });
                  }, step.max)
                : (consumers[t] as ByteRingConsumer).read((bytes, type) => {
                    const { key, payload } = decodeRoutedRecord(bytes, type);
                    seen.push({
                      type,
                      keyBytes: bytes.slice(4, 4 + (bytes.length - payload.length - 4)),
                      key: key instanceof Uint8Array ? key.slice() : key,
                      payload: payload.slice(),
                    });
                  }, step.max);
              const ready = published[t] as number;
              expect(n).toBe(Math.min(ready, step.max ?? Number.POSITIVE_INFINITY));
              const wanted = queue.splice(0, n);
              published[t] = ready - n;
              seen.forEach((record, i) => {
                const want = wanted[i] as Expected;
                expect(record.type).toBe(want.type);
                expect([...record.keyBytes]).toEqual([...want.keyBytes]);
                expectKey(record.key, want.key);
                expect([...record.payload]).toEqual([...want.payload]);
              });
            }
          }
          const stats = router.stats();
          expect(stats.reduce((sum, s) => sum + s.routed, 0)).toBe(routed);
          expect(stats.reduce((sum, s) => sum + s.dropped, 0)).toBe(dropped);
          router.close();
        },
      ),
      { numRuns: 150 },
    );
  });
});
