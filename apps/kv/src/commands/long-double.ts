// INCRBYFLOAT and HINCRBYFLOAT compute in C `long double` (x87 80-bit: a 64-bit mantissa) and
// print with "%.17Lf" trimmed. A JS double would answer "0.10000000000000001" where Redis says
// "0.1", so this emulates the 64-bit-mantissa arithmetic exactly with bigints: parse as strtold
// (correctly rounded), add with one rounding, print the exact binary value rounded to 17 places.

/** A finite long double: (-1)^neg * m * 2^e, with m < 2^64 (m = 0 for zero). */
interface LongDouble {
  neg: boolean;
  m: bigint;
  e: number;
}

const MANTISSA_BITS = 64;
const TOP = 1n << 64n;
const HALF_TOP = 1n << 63n;
/** Above 2^16384 a long double is infinite. */
const MAX_EXP = 16384;
/** Below 2^-16445 (the smallest subnormal) it is zero. */
const MIN_EXP = -16445;
/** Redis's MAX_LONG_DOUBLE_CHARS: longer inputs are refused. */
const MAX_CHARS = 5 * 1024;

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** Rounds num/den (both > 0) to 64 bits, ties to even. */
function roundRational(neg: boolean, num: bigint, den: bigint): LongDouble | null {
  let e = bitLength(num) - bitLength(den) - MANTISSA_BITS;
  for (;;) {
    const d = e >= 0 ? den << BigInt(e) : den;
    const n = e >= 0 ? num : num << BigInt(-e);
    let q = n / d;
    const r = n % d;
    if (q >= TOP) {
      e++;
      continue;
    }
    if (q < HALF_TOP) {
      e--;
      continue;
    }
    const twice = r * 2n;
    if (twice > d || (twice === d && (q & 1n) === 1n)) q++;
    if (q === TOP) {
      q = HALF_TOP;
      e++;
    }
    if (e + MANTISSA_BITS > MAX_EXP) return null; // infinite
    if (e + MANTISSA_BITS < MIN_EXP) return { neg, m: 0n, e: 0 };
    return { neg, m: q, e };
  }
}

const DECIMAL = /^([+-])?(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:[eE]([+-]?\d+))?$/;
const INFINITY = /^([+-])?(?:inf|infinity)$/i;
const HEX = /^([+-])?0[xX](?:([0-9a-fA-F]+)(?:\.([0-9a-fA-F]*))?|\.([0-9a-fA-F]+))(?:[pP]([+-]?\d+))?$/;

/** strtold's hexadecimal form: 0x1.8p3 = 1.5 * 2^3. */
function parseHex(m: RegExpExecArray): LongDouble | null {
  const neg = m[1] === '-';
  const frac = m[3] ?? m[4] ?? '';
  const digits = BigInt(`0x${m[2] ?? ''}${frac}` === '0x' ? '0x0' : `0x${m[2] ?? ''}${frac}`);
  if (digits === 0n) return { neg, m: 0n, e: 0 };
  const exp = (m[5] === undefined ? 0 : Number(m[5])) - 4 * frac.length;
  if (exp > 20000 || exp < -20000) return null;
  const value =
    exp >= 0 ? roundRational(neg, digits << BigInt(exp), 1n) : roundRational(neg, digits, 1n << BigInt(-exp));
  if (value === null || value.m === 0n) return null;
  return value;
}

/** What {@link parseLongDouble} gives: a finite value, or ±infinity. */
export type ParsedLongDouble = LongDouble | { inf: true; neg: boolean };

/**
 * Parses like Redis's string2ld(): strtold() on the whole string, no leading space, no NaN, no
 * overflow or underflow to zero. `null` when Redis would refuse it. Decimal and hexadecimal (`0x1.8p3`)
 * forms, `inf`/`infinity`, as strtold reads them.
 */
export function parseLongDouble(s: string): ParsedLongDouble | null {
  if (s.length === 0 || s.length >= MAX_CHARS) return null;
  const inf = INFINITY.exec(s);
  if (inf) return { inf: true, neg: inf[1] === '-' };
  const hex = HEX.exec(s);
  if (hex) return parseHex(hex);
  const m = DECIMAL.exec(s);
  if (!m) return null;
  const neg = m[1] === '-';
  const intPart = m[2] ?? '';
  const frac = m[3] ?? m[4] ?? '';
  const exp = m[5] === undefined ? 0 : Number(m[5]);
  const digits = BigInt(`${intPart}${frac}` || '0');
  if (digits === 0n) return { neg, m: 0n, e: 0 };
  const scale = exp - frac.length;
  // Far outside the range: overflow (refused) or underflow to zero (refused).
  if (scale > 5000) return null;
  if (scale < -5100) return null;
  const value =
    scale >= 0
      ? roundRational(neg, digits * 10n ** BigInt(scale), 1n)
      : roundRational(neg, digits, 10n ** BigInt(-scale));
  if (value === null || value.m === 0n) return null;
  return value;
}

/** a + b, rounded once to a long double; `null` when the sum is infinite or NaN. */
export function addLongDouble(a: ParsedLongDouble, b: ParsedLongDouble): LongDouble | null {
  if ('inf' in a || 'inf' in b) return null;
  if (a.m === 0n) return b;
  if (b.m === 0n) return a;
  const e = Math.min(a.e, b.e);
  const x = (a.neg ? -a.m : a.m) << BigInt(a.e - e);
  const y = (b.neg ? -b.m : b.m) << BigInt(b.e - e);
  const sum = x + y;
  if (sum === 0n) return { neg: false, m: 0n, e: 0 };
  const r = roundRational(sum < 0n, sum < 0n ? -sum : sum, 1n);
  if (r === null) return null;
  return r.m === 0n ? r : { neg: r.neg, m: r.m, e: r.e + e };
}

/** Formats like Redis's ld2string(…, LD_STR_HUMAN): "%.17Lf", trailing zeros and '.' trimmed, "-0" as "0". */
export function formatLongDouble(v: LongDouble): string {
  let scaled: bigint;
  if (v.e >= 0) {
    scaled = (v.m << BigInt(v.e)) * 10n ** 17n;
  } else {
    const num = v.m * 10n ** 17n;
    const shift = BigInt(-v.e);
    scaled = num >> shift;
    const rest = num - (scaled << shift);
    const half = 1n << (shift - 1n);
    if (rest > half || (rest === half && (scaled & 1n) === 1n)) scaled++;
  }
  const digits = scaled.toString().padStart(18, '0');
  let s = `${v.neg ? '-' : ''}${digits.slice(0, -17)}.${digits.slice(-17)}`;
  s = s.replace(/0+$/, '');
  if (s.endsWith('.')) s = s.slice(0, -1);
  return s === '-0' ? '0' : s;
}

/**
 * C's `(long long)ceill(v * 1000.0)` on a long double: the product rounded to 64 bits, rounded
 * up to an integer, and, as x86 converts an out-of-range value, INT64_MIN past ±2^63 (Redis
 * 7.0.15's BLPOP timeout arithmetic: `0.0001` is 1 ms, `-0.001` rounds up to 0 there (forever),
 * `1e400` turns negative).
 */
export function secondsToMillis(v: ParsedLongDouble): bigint {
  const INT64_MIN = -(1n << 63n);
  if ('inf' in v) return INT64_MIN;
  if (v.m === 0n) return 0n;
  const p = roundRational(v.neg, v.m * 1000n, 1n);
  if (p === null) return INT64_MIN;
  const e = p.e + v.e;
  let magnitude = e >= 0 ? p.m << BigInt(e) : p.m >> BigInt(-e);
  // Up, toward +infinity: a positive product with a fraction gains 1; a negative one's
  // truncated magnitude already is its ceiling.
  if (!v.neg && e < 0 && magnitude << BigInt(-e) !== p.m) magnitude += 1n;
  if (magnitude >= 1n << 63n) return INT64_MIN;
  return v.neg ? -magnitude : magnitude;
}
