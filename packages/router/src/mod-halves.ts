// (hi * 2^32 + lo) mod n for a u64 held as two uint32 halves, without a bigint and, for every
// realistic partition count, without a division: partition() runs this once per routed key.

// Literals below, not module constants (the bundler makes those `var`, which V8 does not fold):
// 1048576 = 2^20, up to which the whole remainder is one exact double; 4294967296 = 2^32.

// The last n seen, with 2^32 mod n and 1 / n: routing uses one n over and over.
let cachedN = 1;
let cachedTwo32ModN = 0;
let cachedInverse = 1;

/**
 * `a mod n` for integers 0 <= a < 2^53 and 1 <= n < 2^31. The rounded quotient can be one too
 * high (never too low), which makes the remainder negative by less than n: one correction.
 */
function mod53(a: number, n: number): number {
  const r = a - Math.floor(a / n) * n;
  return r < 0 ? r + n : r;
}

/**
 * `(hi * 2^32 + lo) mod n` for uint32 halves (int32 bits are fine) and 1 <= n < 2^31.
 *
 * Up to 2^20 partitions: `hi * 2^32 + lo ≡ hi * (2^32 mod n) + lo (mod n)`, and that sum is
 * below 2^32 * n <= 2^52, an exact double. Its quotient by n comes from a multiply by
 * the cached `1 / n`: the relative error of `a * (1/n)` is below 2^-52, so for a < 2^53 the
 * quotient is off by less than 2/n — at most one either way for n >= 2, and exact for n = 1
 * (1/1 is exact) — and one correction each way makes the remainder exact. No `div` instruction.
 *
 * Beyond: the top 53 bits first (`hi * 2^21 + (lo >>> 11)`), then that remainder joined with
 * the last 11 bits of `lo`, in two exact double divisions.
 */
export function modHalves(hi: number, lo: number, n: number): number {
  if (n <= 1048576) {
    if (n !== cachedN) {
      cachedN = n;
      cachedTwo32ModN = 4294967296 % n;
      cachedInverse = 1 / n;
    }
    const a = (hi >>> 0) * cachedTwo32ModN + (lo >>> 0);
    const r = a - Math.floor(a * cachedInverse) * n;
    if (r < 0) return r + n;
    return r >= n ? r - n : r;
  }
  const top = mod53((hi >>> 0) * 2097152 + (lo >>> 11), n);
  return mod53(top * 2048 + (lo & 0x7ff), n);
}
