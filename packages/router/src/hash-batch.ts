import { CorelaneRangeError, CorelaneTypeError, ErrorCode } from '@corelane/shared';
import { bigintInRange, type RouterKey, rejectKey } from './key.js';
import { addon } from './native.js';
import type { PackedKeys } from './pack-keys.js';

/** Every form of key batch that {@link hashBatch} takes. */
export type KeyBatch = PackedKeys | readonly RouterKey[] | BigUint64Array | BigInt64Array;

function countOf(keys: KeyBatch): number {
  if (Array.isArray(keys)) {
    for (let i = 0; i < keys.length; i++) {
      const key: unknown = keys[i];
      if (typeof key === 'string' || key instanceof Uint8Array) continue;
      if (typeof key === 'number' && Number.isSafeInteger(key)) continue;
      if (typeof key === 'bigint' && bigintInRange(key)) continue;
      rejectKey(`keys[${i}]`, key);
    }
    return keys.length;
  }
  if (keys instanceof BigUint64Array || keys instanceof BigInt64Array) return keys.length;
  const packed = keys as Partial<PackedKeys> | null;
  if (
    typeof packed !== 'object' ||
    packed === null ||
    !(packed.data instanceof Uint8Array) ||
    !(packed.offsets instanceof Uint32Array) ||
    (packed.encoding !== 'utf8' && packed.encoding !== 'bytes')
  ) {
    throw new CorelaneTypeError(
      ErrorCode.INVALID_ARGUMENT,
      'keys must be an array of keys, a BigUint64Array/BigInt64Array of u64 keys, or packKeys() output ({ data, offsets, encoding })',
    );
  }
  if (packed.offsets.length === 0) {
    throw new CorelaneRangeError(ErrorCode.OUT_OF_RANGE, 'keys.offsets must hold count + 1 entries, got none');
  }
  return packed.offsets.length - 1;
}

/**
 * Hashes a whole batch of keys in C++, in one call: `out[i] = fxhash64(key i)`, the same values
 * as the JavaScript {@link fxhash64}. For bulk loads and rebalancing, where thousands of keys are
 * hashed at once; one key at a time, the JavaScript functions are faster than any native call.
 *
 * The batch can be:
 * - an array of keys (strings, `Uint8Array`s, safe integers, bigints, mixed): convenient; C++
 *   reads each element through N-API, still within the one call;
 * - {@link PackedKeys} from {@link packKeys}: every key in one buffer, the fastest form;
 * - a `BigUint64Array` or `BigInt64Array`: u64 keys.
 *
 * @param out - where to write; at least as long as the batch. Default: a new `BigUint64Array`.
 * @returns `out` (a `subarray` of it, of the batch's length, when it is longer).
 * @throws `TypeError` `ERR_CORELANE_INVALID_ARGUMENT` for a batch of another form, a key that is
 *   not a key, or an `out` that is not a `BigUint64Array`; `RangeError`
 *   `ERR_CORELANE_OUT_OF_RANGE` for an `out` that is too short, packed offsets that decrease or
 *   point past `data`, or a bad key value (a float, an out-of-range bigint). `out` is not
 *   written when the arguments are refused before the native call; packed offsets are checked
 *   as they are read, so `out` may hold the hashes of the keys before a bad offset.
 * @throws `CorelaneError` `ERR_CORELANE_UNSUPPORTED` when the native addon did not load
 *   (`capabilities().hashBatch` says why).
 */
export function hashBatch(keys: KeyBatch, out?: BigUint64Array): BigUint64Array {
  const count = countOf(keys);
  if (out !== undefined && !(out instanceof BigUint64Array)) {
    throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, 'out must be a BigUint64Array');
  }
  if (out !== undefined && out.length < count) {
    throw new CorelaneRangeError(
      ErrorCode.OUT_OF_RANGE,
      `out has room for ${out.length} hashes, the batch holds ${count} keys`,
    );
  }
  const native = addon('hashBatch()');
  const target = out ?? new BigUint64Array(count);
  let result: number;
  if (Array.isArray(keys)) result = native.hashArray(keys, target);
  else if (keys instanceof BigUint64Array || keys instanceof BigInt64Array) result = native.hashWords(keys, target);
  else {
    const packed = keys as PackedKeys;
    result = native.hashPacked(packed.data, packed.offsets, packed.encoding === 'utf8', target);
  }
  if (result < 0) {
    const i = -result - 1;
    throw new CorelaneRangeError(
      ErrorCode.OUT_OF_RANGE,
      Array.isArray(keys)
        ? `keys[${i}] changed while it was hashed`
        : `keys.offsets[${i}]..offsets[${i + 1}] is not a range inside keys.data (offsets must not decrease or pass data.length)`,
    );
  }
  return target.length === count ? target : target.subarray(0, count);
}
