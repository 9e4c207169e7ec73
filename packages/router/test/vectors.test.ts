// Every reference vector of the Rust crate fxhash 0.2.1, for both hashers and every key form.
import { describe, expect, it } from 'vitest';
import { fxhash32, fxhash64, hashBatch } from '../src/index.js';
import { byteVectors, generator, strVectors, u64Vectors } from './helpers/vectors.js';

describe('the fixture', () => {
  it('holds the 900 vectors of fxhash 0.2.1', () => {
    expect(generator).toMatch(/fxhash 0\.2\.1/);
    expect([byteVectors.length, strVectors.length, u64Vectors.length]).toEqual([300, 300, 300]);
  });
});

describe.each([
  ['&[u8]', byteVectors],
  ['&str', strVectors],
  ['u64', u64Vectors],
] as const)('%s vectors', (_kind, vectors) => {
  it.each(vectors.map((v) => [v.label, v] as const))('fxhash64 %s', (_label, v) => {
    expect(fxhash64(v.key)).toBe(v.hash64);
  });
  it.each(vectors.map((v) => [v.label, v] as const))('fxhash32 %s', (_label, v) => {
    expect(fxhash32(v.key)).toBe(v.hash32);
  });
});

describe('other spellings of the same key', () => {
  it('a Buffer or a Uint8Array view into a larger buffer hashes like its bytes', () => {
    for (const v of byteVectors) {
      const padded = new Uint8Array(v.key.length + 11);
      padded.set(v.key, 7);
      const view = padded.subarray(7, 7 + v.key.length);
      expect(fxhash64(view)).toBe(v.hash64);
      expect(fxhash64(Buffer.from(v.key))).toBe(v.hash64);
      expect(fxhash32(view)).toBe(v.hash32);
    }
  });

  it('a u64 vector below 2^53 hashes the same as a number', () => {
    const small = u64Vectors.filter((v) => v.key <= BigInt(Number.MAX_SAFE_INTEGER));
    expect(small.length).toBeGreaterThanOrEqual(10);
    for (const v of small) {
      expect(fxhash64(Number(v.key))).toBe(v.hash64);
      expect(fxhash32(Number(v.key))).toBe(v.hash32);
    }
  });

  it("a negative integer hashes as its two's complement u64 (Rust `-1i64 as u64`)", () => {
    for (const v of u64Vectors.filter((x) => x.key >= 1n << 63n)) {
      const signed = BigInt.asIntN(64, v.key);
      expect(fxhash64(signed)).toBe(v.hash64);
      expect(fxhash32(signed)).toBe(v.hash32);
      if (signed >= BigInt(Number.MIN_SAFE_INTEGER)) expect(fxhash64(Number(signed))).toBe(v.hash64);
    }
    expect(fxhash64(-1)).toBe(fxhash64((1n << 64n) - 1n));
    expect(fxhash64(-(2 ** 53) + 1)).toBe(fxhash64((1n << 64n) - (1n << 53n) + 1n));
    expect(fxhash32(-5)).toBe(fxhash32((1n << 64n) - 5n));
  });

  it('the &str vectors reach every string path: ASCII direct, the JS encoder, TextEncoder', () => {
    // src/fxhash64.ts: ASCII up to 64 units is read directly; other strings up to 48 units go
    // through the JS UTF-8 encoder, longer ones through TextEncoder.encodeInto.
    const ascii = (s: string) => /^[\0-\x7f]*$/.test(s);
    const direct = strVectors.filter((v) => ascii(v.key) && v.key.length <= 64);
    const jsEncoder = strVectors.filter((v) => !ascii(v.key) && v.key.length <= 48);
    const textEncoder = strVectors.filter((v) => v.key.length > 64 || (!ascii(v.key) && v.key.length > 48));
    expect(direct.filter((v) => v.key.length >= 8).length).toBeGreaterThan(2);
    expect(jsEncoder.length).toBeGreaterThan(10);
    expect(textEncoder.length).toBeGreaterThan(10);
    // Long ASCII goes to TextEncoder; the C++ hasher is an independent implementation to check it.
    for (const length of [63, 64, 65, 100, 1000]) {
      const s = 'y'.repeat(length);
      expect(fxhash64(s)).toBe(hashBatch([s])[0]);
    }
  });

  it('a lone surrogate hashes as U+FFFD, as TextEncoder and Buffer.from encode it', () => {
    for (const s of ['a\ud800b', '\udc00', `${'x'.repeat(60)}\ud83d`]) {
      const replaced = s.replace(/[\ud800-\udfff]/g, '\ufffd');
      expect(fxhash64(s)).toBe(fxhash64(replaced));
      expect(fxhash32(s)).toBe(fxhash32(replaced));
    }
  });
});
