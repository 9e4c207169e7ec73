// One shard's keys: the values and their absolute expiry times. Expiry is both lazy (a key read
// after its time is deleted on the spot) and active (tick() walks the keys that have a time, a
// bounded number per call, as Redis's activeExpireCycle does from its timer).
import type { Value } from './values.js';

/** How many keys with a time one {@link Keyspace.tick} looks at, by default. */
export const DEFAULT_EXPIRE_SAMPLE = 200;

/**
 * The keyspace of one shard. Only the shard's own thread touches it; nothing is shared.
 * Every change a write command makes goes through these methods, so `dirty` counts them as
 * Redis's `server.dirty` does (expiry aside: it logs its own DEL).
 */
export class Keyspace {
  /** The values, by key (latin1 strings). */
  readonly data = new Map<string, Value>();
  /** Absolute expiry times in ms since the epoch, by key; only keys that have one. */
  readonly expires = new Map<string, number>();
  /** Changes made so far (Redis's `dirty`): a write command changed something when it grew. */
  dirty = 0;
  /** How many keys expired so far, lazily or actively (INFO's expired_keys). */
  expiredCount = 0;
  /** Called with every key deleted because it expired (the engine logs a DEL for it, as Redis propagates one). */
  onExpired: ((key: string) => void) | null = null;
  /** Called after any change to a key's value or expiry, and after it expired (WATCH). */
  onModified: ((key: string) => void) | null = null;
  /**
   * Called by clear() before it empties the keyspace: returns the keys (of those present) to
   * report through onModified once they are gone (the watched ones; WATCH).
   */
  onClearing: ((data: ReadonlyMap<string, Value>) => string[]) | null = null;
  /** Called when a list key is created or pushed to (wakes blocked BLPOP/BLMOVE clients). */
  onListReady: ((key: string) => void) | null = null;
  private expireCursor: IterableIterator<[string, number]> | null = null;

  /** The number of keys, expired ones not yet deleted included (as DBSIZE). */
  get size(): number {
    return this.data.size;
  }

  /** Whether `key` has expired at `now` (it may still be stored). */
  isExpired(key: string, now: number): boolean {
    const when = this.expires.get(key);
    return when !== undefined && when <= now;
  }

  /** The value of `key`, deleting it first when it expired at `now`. */
  get(key: string, now: number): Value | undefined {
    const value = this.data.get(key);
    if (value === undefined) return undefined;
    if (this.expires.size > 0 && this.isExpired(key, now)) {
      this.expire(key);
      return undefined;
    }
    return value;
  }

  /** Whether `key` exists (not expired) at `now`. */
  has(key: string, now: number): boolean {
    return this.get(key, now) !== undefined;
  }

  private expire(key: string): void {
    // Not counted in `dirty`: the DEL record onExpired logs is the whole change, and a write
    // command that only found an expired key changed nothing of its own.
    this.data.delete(key);
    this.expires.delete(key);
    this.expiredCount++;
    this.onExpired?.(key);
    this.onModified?.(key);
  }

  /** Stores `value` under `key` and drops any expiry time (SET semantics). */
  set(key: string, value: Value): void {
    this.data.set(key, value);
    // Most keyspaces have no expiries: skip the second hash lookup then.
    if (this.expires.size > 0) this.expires.delete(key);
    this.changed(key);
  }

  private changed(key: string): void {
    this.dirty++;
    this.onModified?.(key);
  }

  /** Adds a new key, keeping nothing of an old one (the caller checked it does not exist). */
  add(key: string, value: Value): void {
    this.data.set(key, value);
    this.changed(key);
  }

  /** Stores `value` under `key`, keeping its expiry time (SET … KEEPTTL, in-place overwrite). */
  overwrite(key: string, value: Value): void {
    this.data.set(key, value);
    this.changed(key);
  }

  /** Deletes `key`; true when it existed. */
  delete(key: string): boolean {
    if (!this.data.delete(key)) return false;
    this.expires.delete(key);
    this.changed(key);
    return true;
  }

  /** Sets the absolute expiry time of an existing key. */
  setExpire(key: string, whenMs: number): void {
    this.expires.set(key, whenMs);
    this.changed(key);
  }

  /** The absolute expiry time of `key`, or -1 when it has none. */
  getExpire(key: string): number {
    return this.expires.get(key) ?? -1;
  }

  /** Removes the expiry time of `key`; true when it had one. */
  persist(key: string): boolean {
    if (!this.expires.delete(key)) return false;
    this.changed(key);
    return true;
  }

  /** Deletes every key; returns how many there were. */
  clear(): number {
    const n = this.data.size;
    const gone = this.onClearing?.(this.data) ?? [];
    this.data.clear();
    this.expires.clear();
    this.expireCursor = null;
    this.dirty += n;
    for (const key of gone) this.onModified?.(key);
    return n;
  }

  /** Reports `key` as modified without a change to log (LTRIM that trims nothing, as Redis signals it). */
  signal(key: string): void {
    this.onModified?.(key);
  }

  /** Marks a change of `key` that none of the methods above made (an in-place edit of its value). */
  touch(key: string): void {
    this.changed(key);
  }

  /**
   * Active expiry: looks at up to `sample` keys that have a time, deleting those expired at
   * `now`, resuming where the last call stopped. Returns how many it deleted. The runtime's
   * timer wheel calls it (Redis does it 10 times a second).
   */
  tick(now: number, sample = DEFAULT_EXPIRE_SAMPLE): number {
    let deleted = 0;
    let looked = 0;
    let restarted = false;
    while (looked < sample && this.expires.size > 0) {
      if (this.expireCursor === null) this.expireCursor = this.expires.entries();
      const step = this.expireCursor.next();
      if (step.done) {
        this.expireCursor = null;
        if (restarted) break;
        restarted = true;
        continue;
      }
      looked++;
      const [key, when] = step.value;
      if (when <= now && this.expires.get(key) === when) {
        this.expire(key);
        deleted++;
      }
    }
    return deleted;
  }
}
