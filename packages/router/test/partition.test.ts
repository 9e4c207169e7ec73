import { afterEach, describe, expect, it } from 'vitest';
import { fxhash64, partition } from '../src/index.js';
import { allVectors } from './helpers/vectors.js';
import { yieldToEventLoop } from './helpers/yield.js';

afterEach(yieldToEventLoop);

const counts = [1, 2, 3, 7, 10, 64, 255, 1000, 65_536, 1_000_003, 2 ** 31 - 1];

describe('partition(key, n) = fxhash64(key) % n', () => {
  it.each(allVectors.map((v) => [v.label, v] as const))('%s, for every n', (_label, v) => {
    for (const n of counts) expect(partition(v.key, n)).toBe(Number(v.hash64 % BigInt(n)));
  });

  it('matches the bigint remainder where the rounding of a double quotient could go wrong', () => {
    // Hashes just below multiples of n, and n close to 2^31 and to powers of two.
    const ns = [
      2,
      3,
      5,
      641,
      65_535,
      65_536,
      65_537,
      6_700_417,
      2 ** 30 - 1,
      2 ** 30,
      2 ** 30 + 1,
      2 ** 31 - 2,
      2 ** 31 - 1,
    ];
    for (let i = 0; i < 4_000; i++) {
      const key = `k${i}`;
      const h = fxhash64(key);
      for (const n of ns) expect(partition(key, n)).toBe(Number(h % BigInt(n)));
    }
    for (const n of ns) {
      for (let i = 0n; i < 200n; i++) {
        const key = i * 0x9e3779b97f4a7c15n; // u64 keys: fxhash64 is key * K, a bijection
        const k = BigInt.asUintN(64, key);
        expect(partition(k, n)).toBe(Number(fxhash64(k) % BigInt(n)));
      }
    }
  });

  it('returns an integer in 0..n-1, and 0 for n = 1', () => {
    for (let i = 0; i < 1000; i++) {
      expect(partition(i, 1)).toBe(0);
      const p = partition(`key ${i}`, 7);
      expect(Number.isInteger(p) && p >= 0 && p < 7).toBe(true);
    }
  });
});
