// Model-based checks of argument handling on the hot paths: claimOffset() tests the common case
// in one go and leaves the rest to the full checks, and napMs takes any ms from 0 to 1000. For
// arbitrary values, each must accept exactly what the rules accept and refuse the rest with the
// rule's error code, before touching the ring.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateByteRing, ByteRingConsumer, ByteRingProducer } from '../src/index.js';

/** What the rules say of claimOffset(length, type) on a ring whose records hold at most `max` bytes. */
function expectedClaim(length: unknown, typeGiven: unknown, max: number): string | null {
  const type = typeGiven === undefined ? 0 : typeGiven; // the parameter's default
  if (typeof length !== 'number') return 'ERR_CORELANE_INVALID_ARGUMENT';
  if (Number.isInteger(length) && length > max) return 'ERR_CORELANE_RECORD_TOO_LARGE';
  if (!Number.isInteger(length) || length < 0) return 'ERR_CORELANE_OUT_OF_RANGE';
  if (typeof type !== 'number') return 'ERR_CORELANE_INVALID_ARGUMENT';
  if (!Number.isInteger(type) || type < 0 || type > 0x7fffffff) return 'ERR_CORELANE_OUT_OF_RANGE';
  return null;
}

function codeOf(run: () => unknown): string | null {
  try {
    run();
    return null;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

const numberish = fc.oneof(
  fc.integer({ min: -2, max: 300 }),
  fc.constantFrom(
    0,
    -0,
    120,
    121,
    2 ** 31 - 1,
    2 ** 31,
    2 ** 32 - 1,
    2 ** 32,
    2 ** 53,
    Number.NaN,
    Infinity,
    -Infinity,
  ),
  fc.double(),
  fc.anything(),
);

describe('argument rules, for arbitrary values', () => {
  it('claimOffset(length, type) accepts exactly the valid records and refuses the rest with the right code', () => {
    const ring = allocateByteRing({ capacity: 256 });
    const producer = new ByteRingProducer(ring);
    const consumer = new ByteRingConsumer(ring);
    const bytes = new Uint8Array(ring);
    fc.assert(
      fc.property(numberish, numberish, (length, type) => {
        const before = bytes.slice();
        const expected = expectedClaim(length, type, producer.maxRecordBytes);
        let at = -1;
        const code = codeOf(() => {
          at = producer.claimOffset(length as number, type as number);
        });
        expect(code).toBe(expected);
        if (code === null) {
          expect(at).toBeGreaterThanOrEqual(0); // an empty ring has room for any valid record
          producer.abort();
        } else {
          expect(bytes).toEqual(before); // refused before the ring was touched
        }
      }),
      { numRuns: 2_000 },
    );
    producer.close();
    consumer.close();
  });

  it('napMs accepts any number of ms in 0..1000 and refuses the rest before attaching', () => {
    const ring = allocateByteRing({ capacity: 64 });
    fc.assert(
      fc.property(numberish, (napMs) => {
        const valid = typeof napMs === 'number' && napMs >= 0 && napMs <= 1000;
        const code = codeOf(() => new ByteRingConsumer(ring, { napMs: napMs as number }).close());
        if (valid) expect(code).toBe(null);
        else if (napMs === undefined)
          expect(code).toBe(null); // absent: the default
        else
          expect(code).toBe(typeof napMs === 'number' ? 'ERR_CORELANE_OUT_OF_RANGE' : 'ERR_CORELANE_INVALID_ARGUMENT');
      }),
      { numRuns: 1_000 },
    );
  });
});
