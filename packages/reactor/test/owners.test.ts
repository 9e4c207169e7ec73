// Owners (the remembered partition() of string keys) against partition() itself: hot keys, a
// stream of new keys (the table turns itself off and on again), past the table's bound, and
// keys of every kind, with fast-check.
import { partition } from '@corelane/router';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Owners } from '../src/mesh/owners.js';

describe('owners', () => {
  it('gives partition() for every key of every kind, hot or new', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }),
        fc.array(
          fc.oneof(
            fc.constantFrom('user:1', 'user:2', 'session:42', ''),
            fc.string({ maxLength: 80 }),
            fc.string({ unit: 'grapheme', maxLength: 20 }),
            fc.maxSafeInteger(),
            fc.bigInt({ min: -(1n << 63n), max: (1n << 64n) - 1n }),
            fc.uint8Array({ maxLength: 40 }),
          ),
          { maxLength: 200 },
        ),
        (cores, keys) => {
          const owners = new Owners(cores);
          // Twice: the second pass finds the string keys remembered.
          for (const key of [...keys, ...keys]) expect(owners.of(key)).toBe(partition(key, cores));
        },
      ),
    );
  });

  it('stays partition() through miss-heavy windows, the bypass, and past the table bound', () => {
    const cores = 7;
    const owners = new Owners(cores);
    let checksum = 0;
    let expected = 0;
    // 300 000 lookups: phases of new keys only (the table turns off), then 1000 hot keys (it
    // turns on again once the bypass ends), then 40 000 distinct keys cycled (past 16 384).
    for (let i = 0; i < 300_000; i++) {
      const phase = Math.floor(i / 100_000);
      const key = phase === 0 ? `new:${i}` : phase === 1 ? `hot:${i % 1000}` : `wide:${(i * 7919) % 40_000}`;
      const owner = owners.of(key);
      if (owner !== partition(key, cores))
        throw new Error(`owner of ${key}: ${owner}, partition says ${partition(key, cores)}`);
      checksum = (checksum * 31 + owner) | 0;
      expected = (expected * 31 + partition(key, cores)) | 0;
    }
    expect(checksum).toBe(expected);
  });

  it("throws partition()'s error for a bad key", () => {
    const owners = new Owners(2);
    expect(() => owners.of(1.5)).toThrow(expect.objectContaining({ code: 'ERR_CORELANE_OUT_OF_RANGE' }));
    expect(() => owners.of({} as never)).toThrow(expect.objectContaining({ code: 'ERR_CORELANE_INVALID_ARGUMENT' }));
  });
});
