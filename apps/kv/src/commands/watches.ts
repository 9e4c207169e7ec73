// WATCH: which connections watch which keys of this shard, and which of them saw a watched
// key change (Redis's multi.c touchWatchedKey()). EXEC of a connection whose watched key
// changed, or expired, since WATCH answers a null array and runs nothing.
import type { Session } from './context.js';

export class Watches {
  private readonly byKey = new Map<string, Set<Session>>();

  /** Whether anyone watches anything (the hooks' fast path). */
  get empty(): boolean {
    return this.byKey.size === 0;
  }

  /** `session` watches `key`; `expired` is whether the key was already logically expired. */
  watch(session: Session, key: string, expired: boolean): void {
    if (session.watched.has(key)) return;
    session.watched.set(key, expired);
    let set = this.byKey.get(key);
    if (!set) {
      set = new Set();
      this.byKey.set(key, set);
    }
    set.add(session);
  }

  /** Forgets every key `session` watches (EXEC, DISCARD, UNWATCH, a closed connection). */
  unwatchAll(session: Session): void {
    for (const key of session.watched.keys()) {
      const set = this.byKey.get(key);
      set?.delete(session);
      if (set?.size === 0) this.byKey.delete(key);
    }
    session.watched.clear();
    session.watchDirty = false;
  }

  /**
   * `key` changed (`exists`: whether it is still stored). A watcher that saw it expired at WATCH
   * time and now sees it deleted saw no logical change, as Redis rules; any other watcher's EXEC
   * will fail.
   */
  touched(key: string, exists: boolean): void {
    const set = this.byKey.get(key);
    if (!set) return;
    for (const session of [...set]) {
      if (session.watched.get(key) === true && !exists) {
        session.watched.set(key, false);
        continue;
      }
      this.unwatchAll(session);
      session.watchDirty = true;
    }
  }

  /** The watched keys among `data`'s (FLUSHALL reports them as changed once gone). */
  present(data: ReadonlyMap<string, unknown>): string[] {
    return [...this.byKey.keys()].filter((k) => data.has(k));
  }

  /** Whether a key `session` watches (not expired at WATCH time) has expired since. */
  expiredSince(session: Session, isExpired: (key: string) => boolean): boolean {
    for (const [key, expiredAtWatch] of session.watched) if (!expiredAtWatch && isExpired(key)) return true;
    return false;
  }
}
