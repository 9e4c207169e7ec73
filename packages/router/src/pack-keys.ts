// Many keys as one buffer, so that a batch crosses into C++ with one call and C++ reads every
// key straight from memory:
//
//   data     [ key 0 bytes | key 1 bytes | key 2 bytes | ... ]      one Uint8Array
//              ^0           ^offsets[1]  ^offsets[2]   ^offsets[count] = data.length used
//   offsets  [ 0, end of key 0, end of key 1, ..., end of key count-1 ]   Uint32Array, count + 1
//
// Key i is data[offsets[i] .. offsets[i + 1]). Strings are stored as their UTF-8 bytes and
// hashed as Rust `&str` (bytes, then 0xff); byte keys as Rust `&[u8]` (length, then bytes).
import { CorelaneTypeError, ErrorCode } from '@corelane/shared';
import { encodeUtf8, utf8Bytes } from './utf8.js';

/** Keys packed into one buffer for {@link hashBatch}: `data[offsets[i] .. offsets[i + 1])` is key `i`. */
export interface PackedKeys {
  /** The keys' bytes, back to back. */
  readonly data: Uint8Array;
  /** `count + 1` offsets into `data`, non-decreasing, the first 0. */
  readonly offsets: Uint32Array;
  /** `'utf8'`: each key is a string's UTF-8 bytes (hashed as `&str`); `'bytes'`: a `&[u8]`. */
  readonly encoding: 'utf8' | 'bytes';
}

/**
 * Packs an array of strings, or an array of `Uint8Array`s, into one {@link PackedKeys} (the form
 * `hashBatch()` reads fastest). Pack once, hash as often as needed.
 *
 * @throws `TypeError` `ERR_CORELANE_INVALID_ARGUMENT` when `keys` is not an array, or mixes
 *   strings and byte arrays, or holds anything else.
 */
export function packKeys(keys: readonly string[] | readonly Uint8Array[]): PackedKeys {
  if (!Array.isArray(keys)) {
    throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, `keys must be an array of strings or of Uint8Arrays`);
  }
  const strings = typeof keys[0] === 'string';
  const offsets = new Uint32Array(keys.length + 1);
  const parts: Uint8Array[] = [];
  let total = 0;
  for (let i = 0; i < keys.length; i++) {
    const key: unknown = keys[i];
    let bytes: Uint8Array;
    if (strings && typeof key === 'string') {
      // Encode first: it may replace the scratch buffer with a larger one, which utf8Bytes() then returns.
      const length = encodeUtf8(key);
      bytes = utf8Bytes().slice(0, length);
    } else if (!strings && key instanceof Uint8Array) {
      bytes = key;
    } else {
      throw new CorelaneTypeError(
        ErrorCode.INVALID_ARGUMENT,
        `keys[${i}] must be a ${strings ? 'string' : 'Uint8Array'} like keys[0]: packKeys() takes all strings or all Uint8Arrays`,
      );
    }
    parts.push(bytes);
    total += bytes.length;
    offsets[i + 1] = total;
  }
  const data = new Uint8Array(total);
  parts.forEach((bytes, i) => {
    data.set(bytes, offsets[i]);
  });
  return { data, offsets, encoding: strings ? 'utf8' : 'bytes' };
}
