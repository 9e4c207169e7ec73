// Argument parsing as Redis's object.c/util.c does it: string2ll() for integers (strict: no
// spaces, no '+', no leading zeros, int64 range), so the same inputs are refused with the same
// errors.
import { ErrorReply } from '../resp/reply.js';
import { MUST_BE_POSITIVE, NOT_INTEGER } from './errors.js';

export const INT64_MAX = (1n << 63n) - 1n;
export const INT64_MIN = -(1n << 63n);

/** Redis's string2ll(): the int64 `s` spells canonically, or `null`. */
export function parseInt64(s: string): bigint | null {
  const n = s.length;
  if (n === 0 || n > 20) return null;
  if (n === 1 && s === '0') return 0n;
  let i = s.charCodeAt(0) === 0x2d ? 1 : 0;
  if (i === n) return null;
  const first = s.charCodeAt(i);
  if (first < 0x31 || first > 0x39) return null;
  for (i++; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return null;
  }
  const v = BigInt(s);
  return v > INT64_MAX || v < INT64_MIN ? null : v;
}

/**
 * Like {@link parseInt64} but as a JS number, for the many arguments (indexes, counts) whose
 * magnitude past 2^53 behaves like "huge": exact up to 2^53, rounded above.
 */
export function parseLong(s: string): number | null {
  if (s.length < 16) {
    const n = s.length;
    if (n === 0) return null;
    if (s === '0') return 0;
    let i = s.charCodeAt(0) === 0x2d ? 1 : 0;
    if (i === n) return null;
    const first = s.charCodeAt(i);
    if (first < 0x31 || first > 0x39) return null;
    let v = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x30 || c > 0x39) return null;
      v = v * 10 + (c - 0x30);
    }
    return s.charCodeAt(0) === 0x2d ? -v : v;
  }
  const v = parseInt64(s);
  return v === null ? null : Number(v);
}

/** {@link parseLong}, throwing `ERR value is not an integer or out of range` (or `error`). */
export function longArg(s: string, error: ErrorReply = NOT_INTEGER): number {
  const v = parseLong(s);
  if (v === null) throw error;
  return v;
}

/** {@link parseInt64}, throwing `ERR value is not an integer or out of range` (or `error`). */
export function int64Arg(s: string, error: ErrorReply = NOT_INTEGER): bigint {
  const v = parseInt64(s);
  if (v === null) throw error;
  return v;
}

/** Redis's getPositiveLongFromObjectOrReply(): 0..LONG_MAX, one message for every failure. */
export function positiveArg(s: string, message?: string): number {
  const error = message === undefined ? MUST_BE_POSITIVE : new ErrorReply(`ERR ${message}`);
  const v = parseLong(s);
  if (v === null || v < 0) throw error;
  return v;
}

/** Redis's getRangeLongFromObjectOrReply() with `min`..`max` (bigints, printed in the message as Redis prints them). */
export function rangeArg(s: string, min: bigint, max: bigint, message?: string): number {
  const v = parseInt64(s);
  if (v === null) throw message === undefined ? NOT_INTEGER : new ErrorReply(`ERR ${message}`);
  if (v < min || v > max) {
    throw new ErrorReply(
      message === undefined ? `ERR value is out of range, value must between ${min} and ${max}` : `ERR ${message}`,
    );
  }
  return Number(v);
}

/** Case-insensitive ASCII comparison of an argument with a lower-case keyword. */
export function is(arg: string, keyword: string): boolean {
  return arg.length === keyword.length && arg.toLowerCase() === keyword;
}
