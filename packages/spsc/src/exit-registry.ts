/**
 * The sides of this thread that are still open, so that none keeps its role after it is gone:
 * - when the thread exits (`process` `'exit'`, per worker too), each open side is closed;
 * - when a side is garbage-collected without `close()`, its role is released (a
 *   FinalizationRegistry): what it wrote but never published is lost, as after
 *   `releaseRole()`, but the peer sees it closed and another side may attach.
 * The registry holds only a release function that closes over the ring's words and the side's
 * role token, never the side itself (that would keep it alive).
 */

/** What the registry can do to a side: close it (on exit). */
interface Closable {
  close(): void;
}

/** What `track()` returns: hand it to `untrack()` when the side closes. */
export interface Tracked {
  readonly ref: WeakRef<Closable>;
}

const open = new Set<WeakRef<Closable>>();
let exitHookInstalled = false;

const collected = new FinalizationRegistry<{ ref: WeakRef<Closable>; release: () => void }>((held) => {
  open.delete(held.ref);
  held.release();
});

function closeAllOnExit(): void {
  for (const ref of open) ref.deref()?.close();
}

/** Starts tracking `side`; `release` takes its role back if it is collected while open. */
export function track(side: Closable, release: () => void): Tracked {
  const ref = new WeakRef(side);
  open.add(ref);
  const tracked: Tracked = { ref };
  collected.register(side, { ref, release }, tracked);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', closeAllOnExit);
  }
  return tracked;
}

/** Stops tracking a side (it closed): neither the exit hook nor the registry will touch it. */
export function untrack(tracked: Tracked): void {
  open.delete(tracked.ref);
  collected.unregister(tracked);
}
