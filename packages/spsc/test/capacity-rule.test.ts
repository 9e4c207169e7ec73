// One capacity rule for both halves: layout.ts capacityError() and layout.h capacity_error()
// accept and refuse exactly the same capacities, for both ring kinds (before, the C++ twin took
// slot rings of 1 slot or of 2^28..2^30 slots, which the JS side refuses).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { capacityError, RingKind } from '../src/layout.js';
import { addon } from '../src/native.js';

const native = addon('the capacity rule');
const KINDS = [
  ['slot', RingKind.SLOT],
  ['byte', RingKind.BYTE],
] as const;

/** Every edge: 0, 1, each power of two up to 2^31 and its neighbours, and the top of uint32. */
const EDGES = [0, 1, 2 ** 32 - 1, ...Array.from({ length: 32 }, (_, i) => [2 ** i - 1, 2 ** i, 2 ** i + 1]).flat()];

describe('the capacity rule is one rule', () => {
  it.each(KINDS)('%s rings: JS and C++ agree at every edge', (_name, kind) => {
    const disagree = EDGES.filter(
      (c) => (capacityError(kind, c) === null) !== (native.capacityError(kind, c) === null),
    );
    expect(disagree).toEqual([]);
  });

  it.each(KINDS)('%s rings: JS and C++ agree on any uint32', (_name, kind) => {
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 32 - 1 }), (c) => {
        expect(native.capacityError(kind, c) === null).toBe(capacityError(kind, c) === null);
      }),
      { numRuns: 2_000 },
    );
  });

  it('the rule itself: slot rings 2..2^27, byte rings 64..2^30, powers of two', () => {
    const accepted = (kind: number) =>
      [...new Set(EDGES)].filter((c) => capacityError(kind, c) === null).sort((a, b) => a - b);
    expect(accepted(RingKind.SLOT)).toEqual(Array.from({ length: 27 }, (_, i) => 2 ** (i + 1)));
    expect(accepted(RingKind.BYTE)).toEqual(Array.from({ length: 25 }, (_, i) => 2 ** (i + 6)));
  });
});
