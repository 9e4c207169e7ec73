// Rendezvous (highest random weight) hashing, Thaler & Ravishankar 1996: every target scores
// every key, the highest score owns it. A key's scores against the other targets do not change
// when a target joins or leaves, so only the keys that the change concerns move.
//
//   score(key, target) = fmix64(fxhash64(key) ^ fxhash64(target))
//
// fmix64 is MurmurHash3's 64-bit finalizer, a bijection that spreads every input bit over the
// whole word: fxhash alone is a single multiply, and xor-ing two such values would leave scores
// correlated across targets.
import { CorelaneRangeError, CorelaneTypeError, ErrorCode } from '@corelane/shared';
import { hashKey64 } from './fxhash64.js';
import { fmix64, HALVES, HI, LO } from './halves.js';
import type { RouterKey } from './key.js';

/** A fixed set of targets that keys are spread over by rendezvous hashing. */
export interface Rendezvous<T extends RouterKey> {
  /** The targets, in the order given (a copy). */
  readonly targets: readonly T[];
  /**
   * The index in `targets` of the target that owns `key`: the one with the highest score
   * (ties, which need two equal 64-bit scores, go to the lower index). Costs one `fxhash64` of
   * the key and two 64-bit multiplies per target, without allocating.
   * @throws the key errors of `fxhash64()`.
   */
  pick(key: RouterKey): number;
  /** `targets[pick(key)]`. */
  owner(key: RouterKey): T;
}

/**
 * Rendezvous (highest random weight) hashing over `targets`, which are named by any
 * {@link RouterKey} (core numbers, host names, …) and hashed once here.
 *
 * Adding a target moves only the keys the new target wins — about `1 / (n + 1)` of them, all to
 * it; removing one moves only the keys it owned, spread over the others. Unlike
 * {@link jumpHash}, any target can leave, not just the last. The price is `O(n)` per key.
 *
 * @param targets - 1..2^31-1 distinct targets; two that hash alike would share one share of keys.
 * @throws `TypeError` `ERR_CORELANE_INVALID_ARGUMENT` when `targets` is not an array or holds a
 *   value that is not a key; `RangeError` `ERR_CORELANE_OUT_OF_RANGE` for an empty array, or two
 *   targets with the same `fxhash64`.
 */
export function rendezvous<T extends RouterKey>(targets: readonly T[]): Rendezvous<T> {
  if (!Array.isArray(targets)) {
    throw new CorelaneTypeError(
      ErrorCode.INVALID_ARGUMENT,
      `targets must be an array of keys (strings, numbers, bigints or Uint8Arrays), got ${targets === null ? 'null' : typeof targets}`,
    );
  }
  if (targets.length === 0) {
    throw new CorelaneRangeError(ErrorCode.OUT_OF_RANGE, 'targets must hold at least one target, got an empty array');
  }
  const list = [...targets];
  const hashes = new Uint32Array(list.length * 2); // hi, lo of each target's fxhash64
  const seen = new Map<string, number>();
  list.forEach((target, i) => {
    hashKey64(target, `targets[${i}]`);
    hashes[2 * i] = HALVES[HI] as number;
    hashes[2 * i + 1] = HALVES[LO] as number;
    const id = `${HALVES[HI]}:${HALVES[LO]}`;
    const earlier = seen.get(id);
    if (earlier !== undefined) {
      throw new CorelaneRangeError(
        ErrorCode.OUT_OF_RANGE,
        `targets[${earlier}] and targets[${i}] are the same target (their fxhash64 is equal); targets must be distinct`,
      );
    }
    seen.set(id, i);
  });
  const count = list.length;

  const pick = (key: RouterKey): number => {
    hashKey64(key, 'key');
    const kHi = HALVES[HI] as number;
    const kLo = HALVES[LO] as number;
    let best = 0;
    let bestHi = -1;
    let bestLo = -1;
    for (let i = 0; i < count; i++) {
      fmix64((kHi ^ (hashes[2 * i] as number)) >>> 0, (kLo ^ (hashes[2 * i + 1] as number)) >>> 0);
      const sHi = HALVES[HI] as number;
      const sLo = HALVES[LO] as number;
      if (sHi > bestHi || (sHi === bestHi && sLo > bestLo)) {
        best = i;
        bestHi = sHi;
        bestLo = sLo;
      }
    }
    return best;
  };

  return Object.freeze({
    targets: Object.freeze(list),
    pick,
    owner: (key: RouterKey): T => list[pick(key)] as T,
  });
}
