import { CorelaneRangeError, CorelaneTypeError, ErrorCode } from '@corelane/shared';

/**
 * A key the router can hash, and how the Rust crate fxhash 0.2.1 sees it:
 *
 * | JavaScript                                  | hashed like the Rust value            |
 * | ------------------------------------------- | ------------------------------------- |
 * | `Uint8Array` (a `Buffer` too)               | `&[u8]`: the length as a `usize`, then the bytes |
 * | `string`                                    | `&str`: the UTF-8 bytes, then `0xff`  |
 * | `number` (a safe integer), `bigint` in `-2^63..2^64-1` | `u64`: negative values as their two's complement bits |
 *
 * Anything else (a float, `NaN`, an out-of-range bigint, an object) is refused with a typed error.
 */
export type RouterKey = Uint8Array | string | number | bigint;

const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);

function show(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' || typeof value === 'bigint') return `${typeof value} ${String(value)}`;
  if (typeof value === 'object') return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
  return typeof value;
}

/**
 * Throws the typed error that `value` deserves as a key; only called once the fast checks of a
 * hash function have failed, so it always throws.
 */
export function rejectKey(name: string, value: unknown): never {
  if (typeof value === 'number') {
    throw new CorelaneRangeError(
      ErrorCode.OUT_OF_RANGE,
      `${name} must be a safe integer when it is a number (hashed as a u64), got ${show(value)}`,
    );
  }
  if (typeof value === 'bigint') {
    throw new CorelaneRangeError(
      ErrorCode.OUT_OF_RANGE,
      `${name} must be a bigint in -2^63..2^64-1 (hashed as a u64), got ${show(value)}`,
    );
  }
  throw new CorelaneTypeError(
    ErrorCode.INVALID_ARGUMENT,
    `${name} must be a Uint8Array, a string, a safe integer or a bigint, got ${show(value)}`,
  );
}

/** Whether a bigint key fits the u64 the Rust side hashes (negative i64 values as two's complement). */
export function bigintInRange(value: bigint): boolean {
  return value >= I64_MIN && value <= U64_MAX;
}

/** Throws unless `value` is a bigint in 0..2^64-1 (a hash, as `fxhash64()` returns). */
export function requireU64(name: string, value: unknown): bigint {
  if (typeof value !== 'bigint') {
    throw new CorelaneTypeError(
      ErrorCode.INVALID_ARGUMENT,
      `${name} must be a bigint in 0..2^64-1 (such as fxhash64(key)), got ${show(value)}`,
    );
  }
  if (value < 0n || value > U64_MAX) {
    throw new CorelaneRangeError(ErrorCode.OUT_OF_RANGE, `${name} must be a bigint in 0..2^64-1, got ${show(value)}`);
  }
  return value;
}

/** The largest partition count: partitions are numbered as non-negative int32 values. */
export const MAX_PARTITIONS = 0x7fff_ffff;

/** Throws unless `n` is an integer in 1..2^31-1 (a partition count). */
export function rejectCount(name: string, n: unknown): never {
  if (typeof n !== 'number') {
    throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, `${name} must be a number, got ${show(n)}`);
  }
  throw new CorelaneRangeError(
    ErrorCode.OUT_OF_RANGE,
    `${name} must be an integer in 1..${MAX_PARTITIONS} (2^31-1), got ${show(n)}`,
  );
}

/** True when `n` is a valid partition count; the caller throws with `rejectCount()` otherwise. */
export function isCount(n: unknown): n is number {
  // n | 0 is n only for integers in -2^31..2^31-1 (NaN, 1.5 and 2^31 all differ).
  return typeof n === 'number' && (n | 0) === n && n > 0;
}
