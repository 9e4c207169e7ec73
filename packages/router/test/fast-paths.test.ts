// The fast int32 paths (byte keys at any byte offset, ASCII strings read as UTF-16 units,
// strings through the UTF-8 encoder, integers) against a plain bigint implementation of the
// crate, for random keys of random lengths: the vectors pin known keys, this covers the rest.
import { afterEach, describe, expect, it } from 'vitest';
import { fxhash64, partition } from '../src/index.js';
import { uint32Stream } from './helpers/keys.js';
import { referenceBytes64, referenceStr64, referenceU64 } from './helpers/reference.js';
import { yieldToEventLoop } from './helpers/yield.js';

afterEach(yieldToEventLoop);

const next = uint32Stream(20261125);
const counts = [1, 2, 7, 12, 64, 1000, 65_536, 1_048_575, 1_048_576, 1_048_577, 2 ** 31 - 1];

function expectSame(key: Uint8Array | string | number | bigint, expected: bigint): void {
  expect(fxhash64(key)).toBe(expected);
  for (const n of counts) expect(partition(key, n)).toBe(Number(expected % BigInt(n)));
}

describe('fast paths = the bigint reference', () => {
  it('byte keys of every length 0..300, at every byte offset 0..7 of a shared buffer', () => {
    const buffer = new Uint8Array(320);
    for (let length = 0; length <= 300; length++) {
      for (let offset = 0; offset < 8; offset++) {
        for (let i = 0; i < buffer.length; i++) buffer[i] = next() & 0xff;
        const key = buffer.subarray(offset, offset + length);
        expectSame(key, referenceBytes64(key));
      }
    }
  });

  it('2000 random byte keys of random lengths, as Uint8Array and as Buffer', () => {
    for (let k = 0; k < 2000; k++) {
      const key = new Uint8Array(next() % 97);
      for (let i = 0; i < key.length; i++) key[i] = next() & 0xff;
      const expected = referenceBytes64(key);
      expectSame(key, expected);
      expectSame(Buffer.from(key), expected);
    }
  });

  it('random ASCII strings of every length 0..100 (the UTF-16 path, and the encoder past 64 units)', () => {
    for (let length = 0; length <= 100; length++) {
      for (let k = 0; k < 5; k++) {
        const s = String.fromCharCode(...Array.from({ length }, () => next() & 0x7f));
        expectSame(s, referenceStr64(s));
      }
    }
  });

  it('random strings with non-ASCII units (2-, 3- and 4-byte UTF-8) at random places', () => {
    const pool = ['é', 'ß', '€', '中', '😀', '\u0080', '\u07ff', '\u0800', '\uffff', 'a', 'Z', '0'];
    for (let k = 0; k < 2000; k++) {
      const parts = Array.from({ length: next() % 40 }, () => pool[next() % pool.length] as string);
      const s = parts.join('');
      expectSame(s, referenceStr64(s));
    }
  });

  it('random integers: safe numbers (negative too) and bigints across the u64 and i64 range', () => {
    for (let k = 0; k < 2000; k++) {
      const hi = next() & 0x1fffff;
      const value = hi * 4294967296 + next();
      const signed = k % 2 === 0 ? value : -value;
      expectSame(signed, referenceU64(BigInt(signed)));
      const big = (BigInt(next()) << 32n) | BigInt(next());
      expectSame(big, referenceU64(big));
      expectSame(-big / 2n, referenceU64(-big / 2n));
    }
  });
});
