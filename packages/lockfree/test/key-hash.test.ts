// The map hashes keys with its own pass (key-hash.ts, fused with the string copy). A map's
// split order depends on those hashes, so they must stay what they were: fxhash32 of the key's
// bytes (the router's, bit-exact with Rust fxhash 0.2.1), salted for strings, then fmix32.
import { fxhash32 } from '@corelane/router';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fmix32 } from '../src/bits.js';
import { KeyScratch } from '../src/key.js';
import { fxHashBytes } from '../src/key-hash.js';

const STRING_SALT = 0x9e3779b9;
const expected = (key: string | Uint8Array) =>
  typeof key === 'string' ? fmix32(fxhash32(new TextEncoder().encode(key)) ^ STRING_SALT) : fmix32(fxhash32(key));

describe('key hashing', () => {
  it('fxHashBytes is the router fxhash32 of the same bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(fxHashBytes(bytes, bytes.length)).toBe(fxhash32(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it('a key hashes as its UTF-8 bytes did before the fused pass (ASCII, non-ASCII, long, bytes)', () => {
    const scratch = new KeyScratch();
    const keys = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.string({ unit: 'grapheme-ascii', minLength: 60, maxLength: 200 }),
      fc.uint8Array({ maxLength: 80 }),
    );
    fc.assert(
      fc.property(keys, (key) => {
        scratch.encode(key);
        expect(scratch.hash).toBe(expected(key));
        const bytes = typeof key === 'string' ? new TextEncoder().encode(key) : key;
        expect(scratch.length).toBe(bytes.length);
        expect(Buffer.from(scratch.bytes.subarray(0, scratch.length)).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 2000 },
    );
    for (const key of ['', 'a', 'key:12345', 'é', '日本', 'abcd', 'abcdé', 'x'.repeat(64), 'x'.repeat(65)]) {
      scratch.encode(key);
      expect(scratch.hash).toBe(expected(key));
    }
  });
});
