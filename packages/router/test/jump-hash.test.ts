import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fxhash64, jumpHash, jumpPartition } from '../src/index.js';
import { allVectors } from './helpers/vectors.js';

interface JumpVector {
  key: string;
  n: number;
  bucket: number;
}

const reference = JSON.parse(readFileSync(new URL('fixtures/jump-hash.json', import.meta.url), 'utf8')) as JumpVector[];

/** MurmurHash3's 64-bit finalizer, with bigints. */
function fmix64(h: bigint): bigint {
  h ^= h >> 33n;
  h = BigInt.asUintN(64, h * 0xff51afd7ed558ccdn);
  h ^= h >> 33n;
  h = BigInt.asUintN(64, h * 0xc4ceb9fe1a85ec53n);
  return h ^ (h >> 33n);
}

/** The paper's function, transcribed with bigints: slow and obviously right. */
function jumpReference(key: bigint, n: number): number {
  let b = -1;
  let j = 0;
  let k = key;
  while (j < n) {
    b = j;
    k = BigInt.asUintN(64, k * 2862933555777941757n + 1n);
    j = Math.floor((b + 1) * (2147483648 / (Number(k >> 33n) + 1)));
  }
  return b;
}

describe('jumpHash(hash, n)', () => {
  it("returns the bucket of the paper's C++ code for every fixture entry", () => {
    expect(reference.length).toBe(440);
    for (const { key, n, bucket } of reference) expect(jumpHash(BigInt(key), n)).toBe(bucket);
  });

  it('agrees with a bigint transcription of the paper on the hashes of every vector', () => {
    for (const v of allVectors) {
      for (const n of [1, 2, 5, 16, 100, 12_345, 2 ** 31 - 1]) {
        expect(jumpHash(v.hash64, n)).toBe(jumpReference(v.hash64, n));
      }
    }
  });

  it('carries from the low half into the high half of the LCG step', () => {
    // key * M + 1 with a low half of all ones: hashes that make the first step carry.
    const m = 2862933555777941757n;
    const inverse = (() => {
      // M is odd, so it has an inverse modulo 2^64 (Newton's iteration).
      let x = m;
      for (let i = 0; i < 6; i++) x = BigInt.asUintN(64, x * (2n - m * x));
      return x;
    })();
    for (const hi of [0n, 1n, 0x12345678n, 0xffffffffn]) {
      const key = BigInt.asUintN(64, ((hi << 32n) | 0xffffffffn) * inverse);
      expect(BigInt.asUintN(64, key * m) & 0xffffffffn).toBe(0xffffffffn);
      for (const n of [3, 1000, 2 ** 31 - 1]) expect(jumpHash(key, n)).toBe(jumpReference(key, n));
    }
  });

  it('jumpPartition(key, n) equals jumpHash(fmix64(fxhash64(key)), n)', () => {
    for (const v of allVectors) {
      for (const n of [1, 3, 64, 1000]) expect(jumpPartition(v.key, n)).toBe(jumpHash(fmix64(fxhash64(v.key)), n));
    }
  });
});
