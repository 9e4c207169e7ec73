// The targets of recent string keys, remembered: a service routes the same keys again and again,
// and a `Map` lookup of a string costs a fraction of hashing it (V8 keeps a string's hash in the
// string). Measured on the 2-vCPU bench machine for `order:48213`-style keys: Map.get ~8-13 ns,
// fxhash64 in 32-bit halves + modulo ~36-47 ns. Strings are immutable, so a remembered target
// stays right for as long as the count of targets stays the same (one cache per count).
//
// A traffic of mostly new keys would pay a failed lookup and an insert per key instead: a window
// of WINDOW lookups that hits less than half the time turns the cache off for the next BYPASS
// lookups (then it starts over, empty). Past MAX_KEYS entries it also starts over: the hot keys
// come back at once, and the memory stays bounded.
//
// One thread's object (a Router, a core's mesh): nothing here is shared between threads.

/** Keys remembered at most; past it the cache starts over. */
const MAX_KEYS = 16_384;
/** Lookups per hit-rate window. */
const WINDOW = 4096;
/** Lookups answered "unknown" without a lookup after a window that hit less than half the time. */
const BYPASS = 65_536;

/**
 * The targets (partitions) of recently seen string keys, for code that turns the same string
 * keys into targets again and again: `get(key)` is the remembered target or -1, `set(key,
 * target)` remembers one. Bounded (16,384 keys, then it starts over), and it turns itself off
 * for a while when most lookups miss (a stream of new keys), so a miss costs little more than
 * the hash it was meant to save.
 *
 * It does not know how targets are computed: remember only answers of a pure function of the
 * key (such as `partition(key, n)` for one `n`). A `Router` keeps one for its string keys.
 *
 * @example
 * const cache = new TargetCache();
 * let target = cache.get(key);
 * if (target < 0) cache.set(key, (target = partition(key, 4)));
 */
export class TargetCache {
  readonly #byKey = new Map<string, number>();
  #lookups = 0;
  #hits = 0;
  /** Lookups still to answer -1 without a lookup (a miss-heavy window turned the cache off). */
  #bypass = 0;

  /** How many keys are remembered now. */
  get size(): number {
    return this.#byKey.size;
  }

  /** The target remembered for `key`, or -1 (not seen, forgotten, or the cache is off for a while). */
  get(key: string): number {
    if (this.#bypass > 0) {
      this.#bypass--;
      return -1;
    }
    const target = this.#byKey.get(key);
    if (target !== undefined) this.#hits++;
    if (++this.#lookups === WINDOW) this.#endWindow();
    return target ?? -1;
  }

  /**
   * Remembers `target` (an integer >= 0) for `key`; ignored while the cache is off. The caller
   * checks its arguments: this is a hot path. A negative value other than -1 may be stored as a
   * marker of the caller's own ("seen, but hash it"): `get()` returns it as is and counts the
   * lookup as a hit, so keys the caller never uses a target for do not turn the cache off.
   */
  set(key: string, target: number): void {
    if (this.#bypass > 0) return;
    const byKey = this.#byKey;
    if (byKey.size >= MAX_KEYS) byKey.clear();
    byKey.set(key, target);
  }

  /** Forgets every key (and turns the cache back on). */
  clear(): void {
    this.#byKey.clear();
    this.#lookups = 0;
    this.#hits = 0;
    this.#bypass = 0;
  }

  #endWindow(): void {
    if (this.#hits < WINDOW / 2) {
      this.#bypass = BYPASS;
      this.#byKey.clear();
    }
    this.#lookups = 0;
    this.#hits = 0;
  }
}
