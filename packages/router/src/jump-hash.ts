// Jump consistent hash (John Lamping and Eric Veach, "A Fast, Minimal Memory, Consistent Hash
// Algorithm", 2014), on two uint32 halves instead of a u64:
//
//   int32_t JumpConsistentHash(uint64_t key, int32_t num_buckets) {
//     int64_t b = -1, j = 0;
//     while (j < num_buckets) {
//       b = j;
//       key = key * 2862933555777941757ULL + 1;
//       j = (b + 1) * (double(1LL << 31) / double((key >> 33) + 1));
//     }
//     return b;
//   }
//
// The floating-point steps are the paper's own (IEEE doubles in C and in JavaScript alike), so
// the buckets equal the C function's for every key and count.
import { hashKey64 } from './fxhash64.js';
import { bigintToHalves, fmix64, HALVES, HI, LO, mul64 } from './halves.js';
import { isCount, type RouterKey, rejectCount, requireU64 } from './key.js';

/** 2862933555777941757 = 0x27bb2ee687b0b0fd, the LCG multiplier of the paper. */
const M_HI = 0x27bb2ee6;
const M_LO = 0x87b0b0fd;

/** The jump walk from the u64 in `HALVES` (clobbers it). */
export function jumpFromHalves(n: number): number {
  let b = -1;
  let j = 0;
  while (j < n) {
    b = j;
    mul64(HALVES[HI] as number, HALVES[LO] as number, M_HI, M_LO);
    HALVES[LO] = (HALVES[LO] as number) + 1; // the store wraps 2^32 to 0: carry into the high half
    if (HALVES[LO] === 0) HALVES[HI] = (HALVES[HI] as number) + 1;
    j = Math.floor((b + 1) * (2147483648 / (((HALVES[HI] as number) >>> 1) + 1)));
  }
  return b;
}

/**
 * The bucket (0..n-1) of a 64-bit hash under jump consistent hashing (Lamping & Veach): when `n`
 * grows to `n + 1`, only about `1 / (n + 1)` of the hashes move, all of them to the new bucket
 * `n`; no bucket list is kept. Buckets are numbered, so only the last one can be removed cheaply.
 *
 * Takes a **hash**, not a key, and it must be well mixed: the walk is a linear congruential
 * generator, so hashes in arithmetic progression (fxhash64 of consecutive integers) spread
 * badly. {@link jumpPartition} takes a key and mixes its hash first. A `number` is refused so
 * that a key cannot be passed by mistake.
 *
 * @param hash - a well-mixed hash, a bigint in 0..2^64-1.
 * @param n - the number of buckets, an integer in 1..2^31-1.
 * @throws `TypeError` `ERR_CORELANE_INVALID_ARGUMENT` when `hash` is not a bigint (or `n` not a
 *   number); `RangeError` `ERR_CORELANE_OUT_OF_RANGE` for a bigint outside 0..2^64-1 or a bad `n`.
 */
export function jumpHash(hash: bigint, n: number): number {
  requireU64('hash', hash);
  if (!isCount(n)) rejectCount('n', n);
  bigintToHalves(hash);
  return jumpFromHalves(n);
}

/**
 * The partition of `key` among `n` under jump consistent hashing, without allocating:
 * `jumpHash(fmix64(fxhash64(key)), n)`, where fmix64 is MurmurHash3's 64-bit finalizer.
 *
 * Why the finalizer: fxhash64 of an integer key is one multiplication (`key * K`), and the jump
 * walk is a linear congruential generator, so consecutive ids would fall on a lattice and crowd
 * some buckets (measured: a chi-square test fails for most n above 36). fmix64 is a bijection,
 * so distinct hashes stay distinct. A service that must agree with this function computes the
 * same three steps.
 *
 * @throws the errors of {@link partition}.
 */
export function jumpPartition(key: RouterKey, n: number): number {
  if (!isCount(n)) rejectCount('n', n);
  hashKey64(key, 'key');
  fmix64(HALVES[HI] as number, HALVES[LO] as number);
  return jumpFromHalves(n);
}
