// fxhash64(key): which absorb loop a key takes (see absorb64.ts for the hasher itself).
import { absorbAsciiStr64, absorbSlice64, absorbUtf8Str64, absorbWord64 } from './absorb64.js';
import { AS_U64, HALVES, HI, LO } from './halves.js';
import { bigintInRange, type RouterKey, rejectKey } from './key.js';
import { encodeUtf8, utf8Bytes } from './utf8.js';

const TWO_32 = 4294967296;

/** Strings up to this many units try the ASCII path first; longer ones go to the encoder. */
const ASCII_UP_TO = 64;

/**
 * Hashes `key` into `HALVES` (no allocation for `Uint8Array`, string and number keys), or throws
 * the typed error a bad key deserves, naming it `name`.
 */
export function hashKey64(key: unknown, name: string): void {
  // Byte keys first: the routing hot path. A Buffer is a Uint8Array too.
  if (key instanceof Uint8Array) {
    absorbSlice64(key);
  } else if (typeof key === 'string') {
    if (key.length > ASCII_UP_TO || !absorbAsciiStr64(key)) {
      const length = encodeUtf8(key); // first: it may replace the scratch buffer with a larger one
      absorbUtf8Str64(utf8Bytes(), length);
    }
  } else if (typeof key === 'number') {
    if (!Number.isSafeInteger(key)) rejectKey(name, key);
    // Negative safe integers as two's complement: the low half wraps, the high half is floor().
    absorbWord64(Math.floor(key / TWO_32) | 0, key | 0);
  } else if (typeof key === 'bigint') {
    if (!bigintInRange(key)) rejectKey(name, key);
    AS_U64[0] = BigInt.asUintN(64, key);
    absorbWord64(HALVES[HI] as number, HALVES[LO] as number);
  } else {
    rejectKey(name, key);
  }
}

/**
 * The 64-bit FxHash of `key`, equal to what the Rust crate fxhash 0.2.1 returns from
 * `fxhash::hash64(&key)` for the matching Rust type (see {@link RouterKey}).
 *
 * @example
 * fxhash64('user-42') // the same u64 as fxhash::hash64("user-42") in Rust
 * @throws `TypeError` `ERR_CORELANE_INVALID_ARGUMENT` for a key that is not a `Uint8Array`,
 *   string, number or bigint; `RangeError` `ERR_CORELANE_OUT_OF_RANGE` for a number that is not a
 *   safe integer, or a bigint outside `-2^63..2^64-1`.
 */
export function fxhash64(key: RouterKey): bigint {
  hashKey64(key, 'key');
  return AS_U64[0] as bigint;
}
