import { partition, type RouterKey, TargetCache } from '@corelane/router';

/** String keys longer than this are hashed every time (never kept). */
const MAX_KEY_LENGTH = 64;

/**
 * `partition(key, cores)` with the owners of recent string keys remembered (`TargetCache` of
 * `@corelane/router`, bounded, off while most lookups miss): a service sends to the same keys
 * again and again, and a `Map` lookup of a string costs a fraction of hashing it. Strings are
 * immutable, so a remembered owner is always `partition()`'s answer; other keys (numbers,
 * bigints, `Uint8Array`s, which may change) are hashed every time.
 */
export class Owners {
  readonly #cores: number;
  readonly #cache = new TargetCache();

  constructor(cores: number) {
    this.#cores = cores;
  }

  /** The core that owns `key`: `partition(key, cores)`; throws its errors for a bad key. */
  of(key: RouterKey): number {
    if (typeof key !== 'string' || key.length > MAX_KEY_LENGTH) return partition(key, this.#cores);
    const remembered = this.#cache.get(key);
    if (remembered >= 0) return remembered;
    const owner = partition(key, this.#cores);
    this.#cache.set(key, owner);
    return owner;
  }
}
