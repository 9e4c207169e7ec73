// partition(key, n) = fxhash64(key) % n, without a bigint: the hash stays in two uint32 halves
// and the remainder comes from exact double arithmetic; see modHalves().
import { hashKey64 } from './fxhash64.js';
import { HALVES, HI, LO } from './halves.js';
import { isCount, type RouterKey, rejectCount } from './key.js';
import { modHalves } from './mod-halves.js';

/**
 * The partition that owns `key` among `n`: `fxhash64(key) % n`, the same number a Rust service
 * computes with `fxhash::hash64(&key) % n`, without allocating (the hot path of every routed event).
 *
 * Growing `n` to `n + 1` moves about `n / (n + 1)` of the keys to another partition (a key stays
 * only when both remainders agree). Use {@link jumpHash} or {@link rendezvous} where keys must
 * mostly stay put as the number of cores changes.
 *
 * @param n - the number of partitions, an integer in 1..2^31-1.
 * @throws `RangeError` `ERR_CORELANE_OUT_OF_RANGE` when `n` is not an integer in 1..2^31-1
 *   (`TypeError` `ERR_CORELANE_INVALID_ARGUMENT` when it is not a number), and the key errors of
 *   {@link fxhash64}. `n` is checked first.
 */
export function partition(key: RouterKey, n: number): number {
  if (!isCount(n)) rejectCount('n', n);
  hashKey64(key, 'key');
  return modHalves(HALVES[HI] as number, HALVES[LO] as number, n);
}
