/**
 * When a side publishes (makes its writes or reads visible with one index store): after
 * `publishEvery` unpublished items, and at the latest in a microtask at the end of the task that
 * left items unpublished (unless `autoFlush` is off). Both sides of both ring kinds extend this.
 */
export abstract class PublishSchedule {
  /** Items written (producer) or read (consumer) since the last publish. */
  protected pending = 0;
  /** Publish at this many pending items. */
  protected readonly publishEvery: number;
  readonly #autoFlush: boolean;
  #flushQueued = false;

  protected constructor(publishEvery: number, autoFlush: boolean) {
    this.publishEvery = publishEvery;
    this.#autoFlush = autoFlush;
  }

  /** Makes everything written (producer) or read (consumer) so far visible to the peer. */
  abstract flush(): void;

  /** True once `close()` was called: the microtask then publishes nothing (close() did). */
  abstract get closed(): boolean;

  /**
   * After one more item: true when the caller must publish now (the threshold), else makes sure
   * a microtask will. The caller publishes itself, with the index it holds in a register: no
   * `flush()` call and no second read of its own index on the hot path. The microtask is queued
   * when the first unpublished item appears (`pending` 0 → 1), not checked per item: every
   * publish resets `pending`, so an item is never left without one.
   */
  protected countPending(): boolean {
    const pending = ++this.pending;
    if (pending >= this.publishEvery) return true;
    if (pending === 1) this.#queueFlush();
    return false;
  }

  #queueFlush(): void {
    if (!this.#flushQueued && this.#autoFlush) {
      this.#flushQueued = true;
      queueMicrotask(this.#flushFromMicrotask);
    }
  }

  readonly #flushFromMicrotask = (): void => {
    this.#flushQueued = false;
    if (!this.closed) this.flush();
  };
}
