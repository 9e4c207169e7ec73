// Model-based tests of the byte ring: random writes, claims (committed or aborted; views or
// offsets into `data`) and reads (views or offsets) of
// records from 0 bytes to the maximum, checked against a queue of records and the documented
// space rule (8-byte header, 8-byte alignment, a padding record when the end is too close), from
// every start offset, including just before the 32-bit counters wrap.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateByteRing, ByteRingConsumer, ByteRingProducer, maxRecordBytes } from '../src/index.js';
import { startCountersAt } from './helpers/offset.js';

interface Rec {
  type: number;
  bytes: number[];
  /** Bytes of ring space it took, padding before it included. */
  cost: number;
}

const payload = (seed: number, length: number) => Array.from({ length }, (_, j) => (seed * 31 + j * 7) & 0xff);

describe('byte ring against a record-queue model', () => {
  it('every operation agrees with the model, at every offset and wrap, lengths 0..max', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(64, 128, 256),
        fc.oneof(
          fc.constantFrom(0, 2 ** 32 - 64, 2 ** 31 - 8),
          fc.integer({ min: 0, max: 2 ** 29 - 1 }).map((x) => x * 8),
        ),
        fc.array(
          fc.oneof(
            fc.record({
              op: fc.constant('write' as const),
              length: fc.integer({ min: 0, max: 120 }),
              type: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
            }),
            fc.record({
              op: fc.constant('claim' as const),
              length: fc.integer({ min: 0, max: 120 }),
              type: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
              commit: fc.boolean(),
              offset: fc.boolean(),
            }),
            fc.record({
              op: fc.constant('read' as const),
              max: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
              offsets: fc.boolean(),
            }),
          ),
          { maxLength: 150 },
        ),
        (capacity, start, program) => {
          const ring = startCountersAt(allocateByteRing({ capacity }), start);
          const producer = new ByteRingProducer(ring, { publishEvery: 1, autoFlush: false });
          const consumer = new ByteRingConsumer(ring, { publishEvery: 1, autoFlush: false });
          const max = maxRecordBytes(capacity);
          expect(producer.maxRecordBytes).toBe(max);
          const queue: Rec[] = [];
          let tail = start;
          let used = 0;
          let seed = 0;
          for (const step of program) {
            if (step.op === 'read') {
              const seen: Rec[] = [];
              const n = step.offsets
                ? consumer.readOffsets((offset, length, type) => {
                    expect(offset + length).toBeLessThanOrEqual(capacity); // contiguous, never across the end
                    seen.push({ type, bytes: Array.from(consumer.data.subarray(offset, offset + length)), cost: 0 });
                  }, step.max)
                : consumer.read((bytes, type) => seen.push({ type, bytes: Array.from(bytes), cost: 0 }), step.max);
              const expected = queue.splice(0, Math.min(step.max ?? Number.POSITIVE_INFINITY, queue.length));
              expect(n).toBe(expected.length);
              expect(seen.map(({ type, bytes }) => ({ type, bytes }))).toEqual(
                expected.map(({ type, bytes }) => ({ type, bytes })),
              );
              for (const r of expected) used -= r.cost;
              continue;
            }
            const length = Math.min(step.length, max);
            const size = (8 + length + 7) & ~7;
            const toEnd = capacity - (tail % capacity);
            const cost = size > toEnd ? toEnd + size : size;
            const fits = capacity - used >= cost;
            const bytes = payload(seed++, length);
            let committed = false;
            if (step.op === 'write') {
              expect(producer.write(Uint8Array.from(bytes), step.type)).toBe(fits);
              committed = fits;
            } else {
              let claimed = false;
              if (step.offset) {
                const offset = producer.claimOffset(length, step.type);
                claimed = offset >= 0;
                if (claimed) {
                  expect(offset + length).toBeLessThanOrEqual(capacity);
                  producer.data.set(bytes, offset);
                }
              } else {
                const view = producer.claim(length, step.type);
                claimed = view !== null;
                if (view !== null) {
                  expect(view.length).toBe(length);
                  view.set(bytes);
                }
              }
              expect(claimed).toBe(fits);
              if (claimed) {
                if (step.commit) producer.commit();
                else producer.abort();
                committed = step.commit;
              }
            }
            if (committed) {
              queue.push({ type: step.type, bytes, cost });
              tail = (tail + cost) % 2 ** 32;
              used += cost;
            }
            expect(producer.canWrite(0)).toBe(capacity - used >= (8 > capacity - (tail % capacity) ? 16 : 8));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a record of exactly the maximum fits into an empty ring at every position', () => {
    for (const capacity of [64, 256, 4096]) {
      const max = maxRecordBytes(capacity);
      for (let start = 0; start < capacity; start += 8) {
        const ring = startCountersAt(allocateByteRing({ capacity }), start);
        const producer = new ByteRingProducer(ring, { autoFlush: false });
        const consumer = new ByteRingConsumer(ring);
        const bytes = Uint8Array.from(payload(start, max));
        expect(producer.write(bytes, 7)).toBe(true);
        producer.flush();
        let got: number[] = [];
        expect(consumer.read((view, type) => (got = [type, ...view]))).toBe(1);
        expect(got).toEqual([7, ...bytes]);
      }
    }
  });
});
