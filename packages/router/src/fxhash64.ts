// The one key dispatch: which absorb loop a key takes (see absorb64.ts for the hasher itself).
// partition(), jumpPartition(), rendezvous, fxhash64() and the Router all hash through
// hashKey64(); it returns how it read the key, so the Router copies the key into its record
// without asking again.
import { absorbAsciiStr64, absorbSlice64, absorbUtf8Str64, absorbWord64 } from './absorb64.js';
import { absorbLongSlice64, absorbStrWasm, wasmKeyBytes } from './fxhash64-wasm.js';
import { AS_U64, HALVES, HI, LO } from './halves.js';
import { bigintInRange, type RouterKey, rejectKey } from './key.js';
import { encodeUtf8, utf8Bytes } from './utf8.js';

const TWO_32 = 4294967296;

/** Strings up to this many units try the ASCII path first; longer ones go to the encoder. */
/** Strings of up to this many units that are all ASCII are read straight from the string (KeyRead.ASCII). */
export const ASCII_UP_TO = 64;

/** How {@link hashKey64} read a key (and so how its bytes are written into a routed record). */
export const KeyRead = {
  /** A `Uint8Array`: hashed as `&[u8]`, its bytes are the key's. */
  BYTES: 0,
  /** An all-ASCII string of at most 64 units: hashed from its units, which are its UTF-8. */
  ASCII: 1,
  /** Any other string: encoded into the UTF-8 scratch buffer (`utf8Bytes()`, `utf8Length()`), hashed from there. */
  UTF8: 2,
  /** A safe integer: hashed as a u64. */
  NUMBER: 3,
  /** A bigint in -2^63..2^64-1: hashed as a u64. */
  BIGINT: 4,
} as const;

/** One of the {@link KeyRead} values. */
export type KeyRead = (typeof KeyRead)[keyof typeof KeyRead];

/**
 * Hashes `key` into `HALVES` (no allocation for `Uint8Array`, string and number keys) and says
 * how it read it, or throws the typed error a bad key deserves, naming it `name`.
 */
export function hashKey64(key: unknown, name: string): KeyRead {
  // Byte keys first: the routing hot path. A Buffer is a Uint8Array too.
  if (key instanceof Uint8Array) {
    // From WASM_FROM (32, fxhash64-wasm.ts; a literal, see absorb64.ts on module constants) the
    // WebAssembly loop, with one i64.mul per word, beats the JS one despite copying the key.
    if (key.length < 32) absorbSlice64(key);
    else absorbLongSlice64(key);
    return KeyRead.BYTES;
  }
  if (typeof key === 'string') {
    if (key.length <= ASCII_UP_TO && absorbAsciiStr64(key)) return KeyRead.ASCII;
    const length = encodeUtf8(key); // first: it picks (or replaces) the buffer utf8Bytes() returns
    const bytes = utf8Bytes();
    // Long strings encoded into the WebAssembly key area are hashed there (32: WASM_FROM).
    if (length >= 32 && bytes === wasmKeyBytes) absorbStrWasm(length);
    else absorbUtf8Str64(bytes, length);
    return KeyRead.UTF8;
  }
  if (typeof key === 'number') {
    if (!Number.isSafeInteger(key)) rejectKey(name, key);
    // Negative safe integers as two's complement: the low half wraps, the high half is floor().
    absorbWord64(Math.floor(key / TWO_32) | 0, key | 0);
    return KeyRead.NUMBER;
  }
  if (typeof key === 'bigint') {
    if (!bigintInRange(key)) rejectKey(name, key);
    AS_U64[0] = BigInt.asUintN(64, key);
    absorbWord64(HALVES[HI] as number, HALVES[LO] as number);
    return KeyRead.BIGINT;
  }
  return rejectKey(name, key);
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
