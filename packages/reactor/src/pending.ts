/** One request waiting for its reply. */
interface Entry {
  target: number;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  /** `performance.now()` when it was sent (for the latency histogram), or 0. */
  sentAt: number;
}

/**
 * The requests of one endpoint waiting for replies, by id. Ids are u32, never 0, unique among
 * the requests in flight; a reply is matched by id on the ring it arrives on, so ids need only
 * be unique per requesting endpoint.
 */
export class PendingRequests {
  readonly #byId = new Map<number, Entry>();
  #nextId = 1;

  get size(): number {
    return this.#byId.size;
  }

  /** Registers a request to `target`; returns its id and the promise of its reply. */
  add(target: number, sentAt: number): { id: number; promise: Promise<unknown> } {
    let id = this.#nextId;
    while (this.#byId.has(id)) id = id === 0xffff_ffff ? 1 : id + 1;
    this.#nextId = id === 0xffff_ffff ? 1 : id + 1;
    let entry!: Entry;
    const promise = new Promise<unknown>((resolve, reject) => {
      entry = { target, resolve, reject, sentAt };
    });
    this.#byId.set(id, entry);
    return { id, promise };
  }

  /** Forgets a request whose record could not be sent. */
  forget(id: number): void {
    this.#byId.delete(id);
  }

  /** Settles request `id`; returns its send time, or -1 when no such request waits (already rejected). */
  settle(id: number, ok: boolean, value: unknown): number {
    const entry = this.#byId.get(id);
    if (entry === undefined) return -1;
    this.#byId.delete(id);
    if (ok) entry.resolve(value);
    else entry.reject(value);
    return entry.sentAt;
  }

  /** Rejects every request to `target` (or to every target when `target` is -1). */
  rejectTarget(target: number, error: () => Error): number {
    let n = 0;
    for (const [id, entry] of this.#byId) {
      if (target !== -1 && entry.target !== target) continue;
      this.#byId.delete(id);
      entry.reject(error());
      n++;
    }
    return n;
  }
}
