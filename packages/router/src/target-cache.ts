// The targets of recent string keys, remembered (RecentKeys, which bounds them and turns itself
// off for a stream of new keys). Measured on the 2-vCPU bench machine for `order:48213`-style
// keys: Map.get ~8-13 ns, fxhash64 in 32-bit halves + modulo ~36-47 ns. A remembered target
// stays right for as long as the count of targets stays the same (one cache per count).
import { RecentKeys } from './recent-keys.js';

/**
 * The targets (partitions) of recently seen string keys, for code that turns the same string
 * keys into targets again and again: `get(key)` is the remembered target or -1, `set(key,
 * target)` remembers one. Bounded (16,384 keys, then it starts over), and it turns itself off
 * for a while when most lookups miss (a stream of new keys), so a miss costs little more than
 * the hash it was meant to save.
 *
 * It does not know how targets are computed: remember only answers of a pure function of the
 * key (such as `partition(key, n)` for one `n`).
 *
 * @example
 * const cache = new TargetCache();
 * let target = cache.get(key);
 * if (target < 0) cache.set(key, (target = partition(key, 4)));
 */
export class TargetCache {
  readonly #recent = new RecentKeys<number>();

  /** How many keys are remembered now. */
  get size(): number {
    return this.#recent.size;
  }

  /** The target remembered for `key`, or -1 (not seen, forgotten, or the cache is off for a while). */
  get(key: string): number {
    return this.#recent.get(key) ?? -1;
  }

  /**
   * Remembers `target` (an integer >= 0) for `key`; ignored while the cache is off. The caller
   * checks its arguments: this is a hot path. A negative value other than -1 may be stored as a
   * marker of the caller's own ("seen, but hash it"): `get()` returns it as is and counts the
   * lookup as a hit, so keys the caller never uses a target for do not turn the cache off.
   */
  set(key: string, target: number): void {
    this.#recent.set(key, target);
  }

  /** Forgets every key (and turns the cache back on). */
  clear(): void {
    this.#recent.clear();
  }
}
