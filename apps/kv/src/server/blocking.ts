// Clients parked by BLPOP, BRPOP, BLMOVE and BRPOPLPUSH, by key, first come first served (as
// Redis's db->blocking_keys). A push marks its key ready; after each command the server serves
// the waiting clients of every ready key until the list runs dry.
import type { BlockRequest, Session } from '../commands/context.js';
import type { Reply } from '../resp/reply.js';

/** One parked client. */
export interface Waiter {
  readonly request: BlockRequest;
  /** Null for a client parked on another core, which only wants to know (ShardDispatcher.notifyReady). */
  readonly session: Session | null;
  /** Removes the waiter and answers the client (served, or timed out; a Promise: once its write is durable). */
  readonly wake: (reply: Reply | Promise<Reply>) => void;
  timer: NodeJS.Timeout | null;
}

const NONE: string[] = [];

/** The parked clients of one shard, by key, oldest first. */
export class BlockedClients {
  private readonly byKey = new Map<string, Waiter[]>();
  private readonly ready = new Set<string>();
  private readonly parked = new Set<Waiter>();
  /** How many clients are parked here (INFO blocked_clients; a park for another core's client is not one). */
  count = 0;

  /** Parks `w` on every key of its request. */
  add(w: Waiter): void {
    this.parked.add(w);
    for (const key of w.request.keys) {
      let q = this.byKey.get(key);
      if (!q) {
        q = [];
        this.byKey.set(key, q);
      }
      q.push(w);
    }
    if (w.session !== null) this.count++;
  }

  /** Removes `w` from every key (served, timed out or disconnected); a second call does nothing. */
  remove(w: Waiter): void {
    if (!this.parked.delete(w)) return;
    for (const key of w.request.keys) {
      const q = this.byKey.get(key);
      if (!q) continue;
      const i = q.indexOf(w);
      if (i >= 0) q.splice(i, 1);
      if (q.length === 0) this.byKey.delete(key);
    }
    if (w.timer) clearTimeout(w.timer);
    w.timer = null;
    if (w.session !== null) this.count--;
  }

  /** Marks `key` as having new elements (only keys someone waits on matter). */
  markReady(key: string): void {
    if (this.byKey.has(key)) this.ready.add(key);
  }

  /** Takes the ready keys out, in the order they became ready. */
  takeReady(): string[] {
    // After every command: keep the common case (nothing ready) free of allocation.
    if (this.ready.size === 0) return NONE;
    const keys = [...this.ready];
    this.ready.clear();
    return keys;
  }

  /** The clients waiting on `key`, oldest first (a copy). */
  waiting(key: string): Waiter[] {
    return [...(this.byKey.get(key) ?? [])];
  }
}
