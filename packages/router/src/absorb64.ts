// fxhash 0.2.1's FxHasher64, bit for bit: for every word w, h = (h.rotate_left(5) ^ w) * K.
// Rust's `write(&[u8])` takes 8-byte little-endian words, then one 4-byte word if 4 or more
// bytes are left, then one word per remaining byte. The hash of a key is the state after:
//
//   &[u8]  write_usize(len)  write(bytes)            (Hash for [u8]: length prefix, then bytes)
//   &str   write(bytes)      write_u8(0xff)          (Hash for str)
//   u64    write_u64(value)                          (one word)
//
// Each function below is one key kind's whole loop, monomorphic, in int32 locals: no
// allocation, and the result lands in `HALVES`. The mixing step is written out at every site
// (a call per word would cost more than the word), always as:
//
//   xHi:xLo = rotl64(hi:lo, 5) ^ wHi:wLo
//   lo = imul(xLo, K_LO)                                   low 32 bits of xLo * K_LO
//   hi = imul(a1, K1) + (mid >>> 16)                       high 32 bits of xLo * K_LO ...
//        + imul(xLo, K_HI) + imul(xHi, K_LO)               ... + the cross terms, mod 2^32
//
// with xLo = a1:a0 (16-bit halves), K_LO = K1:K0 and mid = a1*K0 + a0*K1 + (a0*K0 >>> 16).
// K1 = 0x2722 and K0 = 0x0a95 are small (14 and 12 bits), so mid < 2^31 and every term is an
// int32: no doubles, no unsigned values, nothing for the JIT to guard.
import { HALVES, HI, LO } from './halves.js';

// K = 0x517cc1b727220a95, the crate's SEED64, appears below as literals: K_HI = 0x517cc1b7,
// K_LO = 0x27220a95, K1 = 0x2722, K0 = 0x0a95. Module constants would not do: the bundler turns
// top-level `const` into `var`, which V8 does not fold, and reloading them costs ~30% per word.

// The state after the length prefix of the last slice length seen: binary keys mostly share
// one length, and this saves a multiply and a float division per key.
let prefixLength = 0;
let prefixLo = 0;
let prefixHi = 0;

/** Sets the `prefix*` cache to the state after `write_usize(length)` from the zero state. */
function cachePrefix(length: number): void {
  // From the zero state the first word is just w * K (rotl(0) ^ w = w).
  const xLo = length | 0;
  const xHi = Math.floor(length / 4294967296) | 0;
  const a0 = xLo & 0xffff;
  const a1 = xLo >>> 16;
  const mid = Math.imul(a1, 0x0a95) + Math.imul(a0, 0x2722) + (Math.imul(a0, 0x0a95) >>> 16);
  prefixLo = Math.imul(xLo, 0x27220a95);
  prefixHi = (Math.imul(a1, 0x2722) + (mid >>> 16) + Math.imul(xLo, 0x517cc1b7) + Math.imul(xHi, 0x27220a95)) | 0;
  prefixLength = length;
}

cachePrefix(0);

/** Hashes `bytes` as a Rust `&[u8]` into `HALVES`: the `usize` length, then the bytes. */
export function absorbSlice64(bytes: Uint8Array): void {
  const end = bytes.length;
  if (end !== prefixLength) cachePrefix(end);
  // `| 0`: int32 from the start, so the loop keeps lo and hi in registers, never boxed.
  let lo = prefixLo | 0;
  let hi = prefixHi | 0;
  let i = 0;
  for (const last = end - 8; i <= last; i += 8) {
    const wLo =
      (bytes[i] as number) |
      ((bytes[i + 1] as number) << 8) |
      ((bytes[i + 2] as number) << 16) |
      ((bytes[i + 3] as number) << 24);
    const wHi =
      (bytes[i + 4] as number) |
      ((bytes[i + 5] as number) << 8) |
      ((bytes[i + 6] as number) << 16) |
      ((bytes[i + 7] as number) << 24);
    const xHi = ((hi << 5) | (lo >>> 27)) ^ wHi;
    const xLo = ((lo << 5) | (hi >>> 27)) ^ wLo;
    const a0 = xLo & 0xffff;
    const a1 = xLo >>> 16;
    const mid = Math.imul(a1, 0x0a95) + Math.imul(a0, 0x2722) + (Math.imul(a0, 0x0a95) >>> 16);
    lo = Math.imul(xLo, 0x27220a95);
    hi = (Math.imul(a1, 0x2722) + (mid >>> 16) + Math.imul(xLo, 0x517cc1b7) + Math.imul(xHi, 0x27220a95)) | 0;
  }
  // The tail: one 4-byte word if 4 or more bytes are left, then one word per byte.
  while (i < end) {
    let w: number;
    if (end - i >= 4) {
      w =
        (bytes[i] as number) |
        ((bytes[i + 1] as number) << 8) |
        ((bytes[i + 2] as number) << 16) |
        ((bytes[i + 3] as number) << 24);
      i += 4;
    } else {
      w = bytes[i] as number;
      i += 1;
    }
    const xHi = (hi << 5) | (lo >>> 27);
    const xLo = ((lo << 5) | (hi >>> 27)) ^ w;
    const a0 = xLo & 0xffff;
    const a1 = xLo >>> 16;
    const mid = Math.imul(a1, 0x0a95) + Math.imul(a0, 0x2722) + (Math.imul(a0, 0x0a95) >>> 16);
    lo = Math.imul(xLo, 0x27220a95);
    hi = (Math.imul(a1, 0x2722) + (mid >>> 16) + Math.imul(xLo, 0x517cc1b7) + Math.imul(xHi, 0x27220a95)) | 0;
  }
  HALVES[LO] = lo;
  HALVES[HI] = hi;
}

/** Hashes `bytes[0..end)` (UTF-8) as a Rust `&str` into `HALVES`: the bytes, then `0xff`. */
export function absorbUtf8Str64(bytes: Uint8Array, end: number): void {
  let lo = 0;
  let hi = 0;
  let i = 0;
  for (const last = end - 8; i <= last; i += 8) {
    const wLo =
      (bytes[i] as number) |
      ((bytes[i + 1] as number) << 8) |
      ((bytes[i + 2] as number) << 16) |
      ((bytes[i + 3] as number) << 24);
    const wHi =
      (bytes[i + 4] as number) |
      ((bytes[i + 5] as number) << 8) |
      ((bytes[i + 6] as number) << 16) |
      ((bytes[i + 7] as number) << 24);
    const xHi = ((hi << 5) | (lo >>> 27)) ^ wHi;
    const xLo = ((lo << 5) | (hi >>> 27)) ^ wLo;
    const a0 = xLo & 0xffff;
    const a1 = xLo >>> 16;
    const mid = Math.imul(a1, 0x0a95) + Math.imul(a0, 0x2722) + (Math.imul(a0, 0x0a95) >>> 16);
    lo = Math.imul(xLo, 0x27220a95);
    hi = (Math.imul(a1, 0x2722) + (mid >>> 16) + Math.imul(xLo, 0x517cc1b7) + Math.imul(xHi, 0x27220a95)) | 0;
  }
  // The tail as in absorbSlice64(), plus the str suffix: a virtual 0xff byte at `end`.
  while (i <= end) {
    let w: number;
    if (end - i >= 4) {
      w =
        (bytes[i] as number) |
        ((bytes[i + 1] as number) << 8) |
        ((bytes[i + 2] as number) << 16) |
        ((bytes[i + 3] as number) << 24);
      i += 4;
    } else {
      w = i < end ? (bytes[i] as number) : 0xff;
      i += 1;
    }
    const xHi = (hi << 5) | (lo >>> 27);
    const xLo = ((lo << 5) | (hi >>> 27)) ^ w;
    const a0 = xLo & 0xffff;
    const a1 = xLo >>> 16;
    const mid = Math.imul(a1, 0x0a95) + Math.imul(a0, 0x2722) + (Math.imul(a0, 0x0a95) >>> 16);
    lo = Math.imul(xLo, 0x27220a95);
    hi = (Math.imul(a1, 0x2722) + (mid >>> 16) + Math.imul(xLo, 0x517cc1b7) + Math.imul(xHi, 0x27220a95)) | 0;
  }
  HALVES[LO] = lo;
  HALVES[HI] = hi;
}

/**
 * Hashes an all-ASCII string as a `&str` into `HALVES` straight from its UTF-16 units (ASCII is
 * its own UTF-8), skipping the encoder. Returns false, having written nothing, when `s` holds a
 * non-ASCII unit: the caller then encodes it.
 */
export function absorbAsciiStr64(s: string): boolean {
  const end = s.length;
  let lo = 0;
  let hi = 0;
  let seen = 0; // every unit, or-ed: a bit above 0x7f means not ASCII
  let i = 0;
  for (const last = end - 8; i <= last; i += 8) {
    const u0 = s.charCodeAt(i);
    const u1 = s.charCodeAt(i + 1);
    const u2 = s.charCodeAt(i + 2);
    const u3 = s.charCodeAt(i + 3);
    const u4 = s.charCodeAt(i + 4);
    const u5 = s.charCodeAt(i + 5);
    const u6 = s.charCodeAt(i + 6);
    const u7 = s.charCodeAt(i + 7);
    seen |= u0 | u1 | u2 | u3 | u4 | u5 | u6 | u7;
    const xHi = ((hi << 5) | (lo >>> 27)) ^ (u4 | (u5 << 8) | (u6 << 16) | (u7 << 24));
    const xLo = ((lo << 5) | (hi >>> 27)) ^ (u0 | (u1 << 8) | (u2 << 16) | (u3 << 24));
    const a0 = xLo & 0xffff;
    const a1 = xLo >>> 16;
    const mid = Math.imul(a1, 0x0a95) + Math.imul(a0, 0x2722) + (Math.imul(a0, 0x0a95) >>> 16);
    lo = Math.imul(xLo, 0x27220a95);
    hi = (Math.imul(a1, 0x2722) + (mid >>> 16) + Math.imul(xLo, 0x517cc1b7) + Math.imul(xHi, 0x27220a95)) | 0;
  }
  while (i <= end) {
    let w: number;
    if (end - i >= 4) {
      const u0 = s.charCodeAt(i);
      const u1 = s.charCodeAt(i + 1);
      const u2 = s.charCodeAt(i + 2);
      const u3 = s.charCodeAt(i + 3);
      seen |= u0 | u1 | u2 | u3;
      w = u0 | (u1 << 8) | (u2 << 16) | (u3 << 24);
      i += 4;
    } else if (i < end) {
      w = s.charCodeAt(i);
      seen |= w;
      i += 1;
    } else {
      w = 0xff; // the str suffix
      i += 1;
    }
    const xHi = (hi << 5) | (lo >>> 27);
    const xLo = ((lo << 5) | (hi >>> 27)) ^ w;
    const a0 = xLo & 0xffff;
    const a1 = xLo >>> 16;
    const mid = Math.imul(a1, 0x0a95) + Math.imul(a0, 0x2722) + (Math.imul(a0, 0x0a95) >>> 16);
    lo = Math.imul(xLo, 0x27220a95);
    hi = (Math.imul(a1, 0x2722) + (mid >>> 16) + Math.imul(xLo, 0x517cc1b7) + Math.imul(xHi, 0x27220a95)) | 0;
  }
  if (seen > 0x7f) return false;
  HALVES[LO] = lo;
  HALVES[HI] = hi;
  return true;
}

/** Hashes one u64 word (`write_u64` from the zero state) into `HALVES`: h = w * K. */
export function absorbWord64(wHi: number, wLo: number): void {
  const a0 = wLo & 0xffff;
  const a1 = wLo >>> 16;
  const mid = Math.imul(a1, 0x0a95) + Math.imul(a0, 0x2722) + (Math.imul(a0, 0x0a95) >>> 16);
  HALVES[LO] = Math.imul(wLo, 0x27220a95);
  HALVES[HI] = (Math.imul(a1, 0x2722) + (mid >>> 16) + Math.imul(wLo, 0x517cc1b7) + Math.imul(wHi, 0x27220a95)) | 0;
}
