// A u64 in JavaScript without a bigint: two uint32 halves in one 8-byte scratch buffer. The hash
// functions leave their result here; `partition()` reads the halves, `fxhash64()` reads the
// BigUint64Array view of the same bytes (one bigint allocation, no arithmetic).
import { endianness } from 'node:os';

const scratch = new ArrayBuffer(8);

/** The halves of the last 64-bit result: `HALVES[LO]` and `HALVES[HI]` (uint32 each). */
export const HALVES = new Uint32Array(scratch);

/** The same 8 bytes as one u64. */
export const AS_U64 = new BigUint64Array(scratch);

/** Index of the low half in `HALVES` (the u64 view follows the platform's byte order). */
export const LO = endianness() === 'LE' ? 0 : 1;

/** Index of the high half in `HALVES`. */
export const HI = 1 - LO;

/**
 * `HALVES = (xHi:xLo) * (cHi:cLo) mod 2^64`, exactly, in double and int32 arithmetic.
 *
 * The low 32x32 product is split as `xLo * cLo = xLo * c0 + xLo * c1 * 2^16` with 16-bit `c0`,
 * `c1`: each partial product stays below 2^48, so every double here is exact. The cross terms
 * only matter modulo 2^32, which `Math.imul` gives.
 */
export function mul64(xHi: number, xLo: number, cHi: number, cLo: number): void {
  const lo = xLo >>> 0;
  const t0 = lo * (cLo & 0xffff);
  const t1 = lo * (cLo >>> 16);
  const s = t0 + (t1 & 0xffff) * 65536;
  HALVES[LO] = s;
  HALVES[HI] = Math.floor(t1 / 65536) + Math.floor(s / 4294967296) + Math.imul(lo, cHi) + Math.imul(xHi, cLo);
}

/** Splits a bigint in 0..2^64-1 (or -2^63..-1, as two's complement) into `HALVES`. */
export function bigintToHalves(value: bigint): void {
  AS_U64[0] = BigInt.asUintN(64, value);
}

/** MurmurHash3's fmix64 multipliers. */
const C1_HI = 0xff51afd7;
const C1_LO = 0xed558ccd;
const C2_HI = 0xc4ceb9fe;
const C2_LO = 0x1a85ec53;

/**
 * MurmurHash3's 64-bit finalizer of (hi:lo) into `HALVES`: a bijection that spreads every input
 * bit over the whole word. `h ^= h >>> 33` only changes the low half: `lo ^= hi >>> 1`.
 */
export function fmix64(hi: number, lo: number): void {
  mul64(hi, lo ^ (hi >>> 1), C1_HI, C1_LO);
  let h = HALVES[HI] as number;
  mul64(h, (HALVES[LO] as number) ^ (h >>> 1), C2_HI, C2_LO);
  h = HALVES[HI] as number;
  HALVES[LO] = (HALVES[LO] as number) ^ (h >>> 1);
}
