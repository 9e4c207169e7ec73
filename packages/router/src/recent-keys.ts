// What is remembered of recent string keys, bounded and self-disabling: a service routes the
// same keys again and again, and a `Map` lookup of a string costs a fraction of hashing it (V8
// keeps a string's hash in the string). Strings are immutable, so what was computed from one
// stays right for as long as what it was computed for stays the same.
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
 * A value per recent string key (`TargetCache`: a target; the `Router`: a target and the key's
 * record bytes): `get(key)` is the value remembered or `undefined`, `set(key, value)` remembers
 * one. Only values that are a pure function of the key may be stored.
 */
export class RecentKeys<V> {
  readonly #byKey = new Map<string, V>();
  #lookups = 0;
  #hits = 0;
  /** Lookups still to answer `undefined` without a lookup (a miss-heavy window turned the cache off). */
  #bypass = 0;

  /** How many keys are remembered now. */
  get size(): number {
    return this.#byKey.size;
  }

  /** The value remembered for `key`, or `undefined` (not seen, forgotten, or the cache is off for a while). */
  get(key: string): V | undefined {
    if (this.#bypass > 0) {
      this.#bypass--;
      return undefined;
    }
    const value = this.#byKey.get(key);
    if (value !== undefined) this.#hits++;
    if (++this.#lookups === WINDOW) this.#endWindow();
    return value;
  }

  /** Remembers `value` for `key`; ignored while the cache is off. */
  set(key: string, value: V): void {
    if (this.#bypass > 0) return;
    const byKey = this.#byKey;
    if (byKey.size >= MAX_KEYS) byKey.clear();
    byKey.set(key, value);
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
