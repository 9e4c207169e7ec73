import { partition, type RouterKey } from '@corelane/router';

/** String keys longer than this are hashed every time (never kept). */
const MAX_KEY_LENGTH = 64;
/** Keys kept at most; past it the table starts over (the hot keys come back at once). */
const MAX_KEYS = 16_384;
/** Lookups per hit-rate window. */
const WINDOW = 4096;
/** String keys hashed without a lookup after a window hit less than half the time. */
const BYPASS = 65_536;

/**
 * `partition(key, cores)` with the owners of recent string keys remembered: a service sends
 * to the same keys again and again, and a `Map` lookup of a string (V8 keeps a string's hash
 * in the string) costs about a third of hashing it with fxhash64 in 32-bit halves (measured:
 * ~26 vs ~35-90 ns for `user:<n>` keys). Strings are immutable, so a remembered owner is
 * always `partition()`'s answer; other keys (numbers, bigints, `Uint8Array`s, which may
 * change) are hashed every time.
 *
 * A traffic of mostly new keys would pay a failed lookup and an insert per key: a window of
 * WINDOW lookups that hits less than half the time turns the table off for the next BYPASS
 * string keys (then it starts over, empty).
 */
export class Owners {
  readonly #cores: number;
  readonly #byKey = new Map<string, number>();
  #lookups = 0;
  #hits = 0;
  /** String keys still to hash without a lookup (a miss-heavy window turned the table off). */
  #bypass = 0;

  constructor(cores: number) {
    this.#cores = cores;
  }

  /** The core that owns `key`: `partition(key, cores)`; throws its errors for a bad key. */
  of(key: RouterKey): number {
    if (typeof key !== 'string' || key.length > MAX_KEY_LENGTH) return partition(key, this.#cores);
    if (this.#bypass > 0) {
      this.#bypass--;
      return partition(key, this.#cores);
    }
    const byKey = this.#byKey;
    let owner = byKey.get(key);
    if (owner !== undefined) this.#hits++;
    else {
      owner = partition(key, this.#cores);
      if (byKey.size >= MAX_KEYS) byKey.clear();
      byKey.set(key, owner);
    }
    if (++this.#lookups === WINDOW) this.#endWindow();
    return owner;
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
