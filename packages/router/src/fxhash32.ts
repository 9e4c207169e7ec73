// fxhash 0.2.1's FxHasher32: for every 32-bit word w, h = (h.rotate_left(5) ^ w) * 0x27220a95
// (the low half of the 64-bit seed). `write(&[u8])` takes 4-byte little-endian words, then one
// word per remaining byte; a u64 (and the usize length prefix of a slice) is two words, low first.
import { readWordLE } from '@corelane/shared';
import { AS_U64, HALVES, HI, LO } from './halves.js';
import { bigintInRange, type RouterKey, rejectKey } from './key.js';
import { encodeUtf8, utf8Bytes } from './utf8.js';

const K32 = 0x27220a95;
const TWO_32 = 4294967296;

function mix32(h: number, w: number): number {
  return Math.imul(((h << 5) | (h >>> 27)) ^ w, K32);
}

function write32(h: number, bytes: Uint8Array, end: number): number {
  let i = 0;
  for (; end - i >= 4; i += 4) {
    h = mix32(h, readWordLE(bytes, i));
  }
  for (; i < end; i++) h = mix32(h, bytes[i] as number);
  return h;
}

/**
 * The 32-bit FxHash of `key`, equal to `fxhash::hash32(&key)` of the Rust crate fxhash 0.2.1 for
 * the matching Rust type (see {@link RouterKey}).
 *
 * @throws the same typed errors as {@link fxhash64}.
 */
export function fxhash32(key: RouterKey): number {
  let h: number;
  if (typeof key === 'string') {
    const length = encodeUtf8(key); // first: it may replace the scratch buffer with a larger one
    h = mix32(write32(0, utf8Bytes(), length), 0xff);
  } else if (key instanceof Uint8Array) {
    const length = key.length;
    h = write32(mix32(mix32(0, length | 0), Math.floor(length / TWO_32)), key, length);
  } else if (typeof key === 'number') {
    if (!Number.isSafeInteger(key)) rejectKey('key', key);
    h = mix32(mix32(0, key | 0), Math.floor(key / TWO_32) | 0);
  } else if (typeof key === 'bigint') {
    if (!bigintInRange(key)) rejectKey('key', key);
    AS_U64[0] = BigInt.asUintN(64, key);
    h = mix32(mix32(0, HALVES[LO] as number), HALVES[HI] as number);
  } else {
    rejectKey('key', key);
  }
  return h >>> 0;
}
