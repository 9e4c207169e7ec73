import {
  CorelaneError,
  ErrorCode,
  type HeaderExpectation,
  type HeaderFields,
  optionalBoolean,
  requireInteger,
  requireOptions,
  validateHeader,
} from '@corelane/shared';
import { Role, Word } from './layout.js';

/** Options both sides of both ring kinds take. */
export interface SideOptions {
  /**
   * Publish after this many unpublished records (producer) or released records (consumer).
   * 1 publishes every record. Default: 64, or a quarter of the capacity when that is smaller.
   */
  batch?: number;
  /**
   * Publish what is left at the end of the current task, in a microtask (default `true`), so
   * that a user who never calls `flush()` still has every record delivered.
   */
  autoFlush?: boolean;
}

/** Which end of the ring a side is. */
export type RingRole = 'producer' | 'consumer';

/** `Atomics.waitAsync` (ES2024; Node 16+), typed here because the project's lib is older. */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      array: Int32Array,
      index: number,
      value: number,
      timeoutMs: number,
    ): { async: false; value: string } | { async: true; value: Promise<string> };
  }
).waitAsync;

/** The longest sleep of a side whose peer cannot notify it (a native thread): it polls this often. */
const POLL_SLICE_MS = 1;

/** Bits of `RingSide.gate`: a side reads or writes only while no bit is set. */
export const Gate = {
  /** `close()` was called. */
  CLOSED: 1,
  /** A `drain()`/`read()` handler is running: another read would hand out the same records again. */
  READING: 2,
} as const;

/** Sides that attached in this thread and are still open, closed when the thread exits. */
const open = new Set<WeakRef<RingSide>>();
let exitHookInstalled = false;

function closeAllOnExit(): void {
  for (const ref of open) ref.deref()?.close();
}

/**
 * What every side of every ring shares: header validation on attach, the role claim, the
 * publishing schedule (batch threshold and microtask), close, peer state and the sleeping
 * handshake of the waits.
 *
 * Waits: a side that wants to sleep first publishes what it holds, then sets its "sleeping"
 * word, re-reads the peer's index and only then sleeps on that index word. The peer stores its
 * index, then reads the sleeping word and notifies only when it is set. Both are sequentially
 * consistent, so at least one of the two sees the other: no lost wake-up, and no notify per
 * message while nobody sleeps.
 */
export abstract class RingSide {
  /** The ring's buffer. */
  readonly buffer: SharedArrayBuffer;
  /** Slots (slot ring) or bytes (byte ring) of the ring. */
  readonly capacity: number;
  /** Which end this is. */
  readonly role: RingRole;
  protected readonly words: Int32Array;
  protected readonly mask: number;
  protected readonly batch: number;
  /**
   * `Gate` bits; 0 while the side may be used. One field, so a hot path pays one test for both
   * "closed" and "inside a handler".
   */
  protected gate = 0;
  protected pending = 0;
  readonly #autoFlush: boolean;
  #flushQueued = false;
  #sleepers = 0;
  readonly #ref: WeakRef<RingSide>;
  readonly #roleWord: number;
  readonly #generationWord: number;
  /** The role's generation when this side claimed it: `releaseRole()` bumps it. */
  #generation = 0;
  /** `close()` was called inside a handler: release the role once the handler loop ends. */
  #releaseAfterRead = false;
  readonly #peerRoleWord: number;
  /** The peer's index word: where this side sleeps. */
  readonly #watchWord: number;
  readonly #sleepWord: number;
  readonly #peerSleepWord: number;
  /** This side's index word: what it publishes and notifies on. */
  protected readonly indexWord: number;

  protected constructor(
    buffer: unknown,
    expected: HeaderExpectation,
    role: RingRole,
    options: SideOptions | undefined,
    checkFields: (fields: HeaderFields) => void,
  ) {
    // Read and check everything first: a wrong header or option throws before any write.
    const fields = validateHeader(buffer, expected);
    checkFields(fields);
    const opts = requireOptions('options', options);
    const defaultBatch = Math.max(1, Math.min(64, fields.capacity / 4));
    this.batch = requireInteger('options.batch', opts.batch ?? defaultBatch, 1, fields.capacity);
    this.#autoFlush = optionalBoolean('options.autoFlush', opts.autoFlush, true);
    this.buffer = buffer as SharedArrayBuffer;
    this.capacity = fields.capacity;
    this.mask = fields.capacity - 1;
    this.role = role;
    this.words = new Int32Array(this.buffer, 0, fields.byteLength >> 2);
    const producer = role === 'producer';
    this.#roleWord = producer ? Word.PRODUCER_ROLE : Word.CONSUMER_ROLE;
    this.#generationWord = producer ? Word.PRODUCER_GENERATION : Word.CONSUMER_GENERATION;
    this.#peerRoleWord = producer ? Word.CONSUMER_ROLE : Word.PRODUCER_ROLE;
    this.indexWord = producer ? Word.TAIL : Word.HEAD;
    this.#watchWord = producer ? Word.HEAD : Word.TAIL;
    this.#sleepWord = producer ? Word.PRODUCER_SLEEPING : Word.CONSUMER_SLEEPING;
    this.#peerSleepWord = producer ? Word.CONSUMER_SLEEPING : Word.PRODUCER_SLEEPING;
    this.#claimRole();
    this.#ref = new WeakRef(this);
    open.add(this.#ref);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.once('exit', closeAllOnExit);
    }
  }

  #claimRole(): void {
    for (const from of [Role.FREE, Role.CLOSED]) {
      if (Atomics.compareExchange(this.words, this.#roleWord, from, Role.JS) === from) {
        // Read after the claim: a releaseRole() bumps the generation before it frees the role.
        this.#generation = Atomics.load(this.words, this.#generationWord);
        return;
      }
    }
    const holder = Atomics.load(this.words, this.#roleWord) === Role.NATIVE ? 'a native thread' : 'another side';
    throw new CorelaneError(
      ErrorCode.ROLE_TAKEN,
      `the ${this.role} role of this ring is held by ${holder}; it must close() before another ${this.role} attaches`,
    );
  }

  /** True once `close()` was called on this side. */
  get closed(): boolean {
    return (this.gate & Gate.CLOSED) !== 0;
  }

  /** True while the other end's role is held (by a JS side or a native thread). */
  get peerAttached(): boolean {
    const role = Atomics.load(this.words, this.#peerRoleWord);
    return role === Role.JS || role === Role.NATIVE;
  }

  /** True when the other end attached and then closed (or its thread exited). */
  get peerClosed(): boolean {
    return Atomics.load(this.words, this.#peerRoleWord) === Role.CLOSED;
  }

  /** Makes everything written (producer) or read (consumer) so far visible to the peer. */
  abstract flush(): void;

  /** Publishes `index` as this side's index and wakes the peer only if it announced a sleep. */
  protected publish(index: number): void {
    this.pending = 0;
    Atomics.store(this.words, this.indexWord, index);
    if (Atomics.load(this.words, this.#peerSleepWord) !== 0) Atomics.notify(this.words, this.indexWord);
  }

  /**
   * After one more record: publish at the batch threshold, else make sure a microtask will.
   * The microtask is queued when the first unpublished record appears (`pending` 0 → 1), not
   * checked per record: every publish resets `pending`, so a record is never left without one.
   */
  protected countPending(): void {
    const pending = ++this.pending;
    if (pending >= this.batch) this.flush();
    else if (pending === 1) this.#queueFlush();
  }

  #queueFlush(): void {
    if (!this.#flushQueued && this.#autoFlush) {
      this.#flushQueued = true;
      queueMicrotask(this.#flushFromMicrotask);
    }
  }

  readonly #flushFromMicrotask = (): void => {
    this.#flushQueued = false;
    if ((this.gate & Gate.CLOSED) === 0) this.flush();
  };

  /** Throws `ERR_CORELANE_CLOSED` after `close()`, or `ERR_CORELANE_INVALID_STATE` inside a handler. */
  protected throwIfUnusable(): void {
    if (this.gate !== 0) this.throwUnusable();
  }

  /** The error for a non-zero `gate`; kept out of the hot paths, which only test `gate`. */
  protected throwUnusable(): never {
    if ((this.gate & Gate.CLOSED) !== 0) throw new CorelaneError(ErrorCode.CLOSED, `this ring ${this.role} was closed`);
    throw new CorelaneError(
      ErrorCode.INVALID_STATE,
      `re-entrant read: this ${this.role} is inside a drain()/read() handler; its records are handed out once, ` +
        'so read again after the handler returns',
    );
  }

  /** Starts a handler loop: from now on every read throws `re-entrant read` until `endRead()`. */
  protected beginRead(): void {
    this.gate |= Gate.READING;
  }

  /** Ends a handler loop (after the consumed position was published); finishes a `close()` made inside it. */
  protected endRead(): void {
    this.gate &= ~Gate.READING;
    if (this.#releaseAfterRead) {
      this.#releaseAfterRead = false;
      this.#release();
    }
  }

  /**
   * Publishes what is pending, releases the role (another side may attach) and wakes a peer
   * that sleeps in a wait, so it can see that this side is gone. A `readable()`/`writable()` of
   * this side that is still pending resolves false. Idempotent.
   *
   * Inside a `drain()`/`read()` handler the side is closed at once (no further record is handed
   * to the handler, every other call throws `ERR_CORELANE_CLOSED`), and the role is released
   * when the handler loop ends, after it has published the position of the records it handed
   * out: a side attaching next never sees them again.
   *
   * If `releaseRole()` took the role away from this side, `close()` touches nothing in the ring:
   * the role may belong to another side by now.
   */
  close(): void {
    if ((this.gate & Gate.CLOSED) !== 0) return;
    this.gate |= Gate.CLOSED;
    if ((this.gate & Gate.READING) !== 0) this.#releaseAfterRead = true;
    else this.#release();
  }

  /**
   * True while the role is still this side's: no `releaseRole()` since it attached. The role is
   * read first: `releaseRole()` bumps the generation before it frees the role, so a role word
   * that shows another side's claim is always followed by a generation read that has moved on.
   * (Generation first would leave a window: release and re-claim between the two loads.)
   */
  #ownsRole(): boolean {
    return (
      Atomics.load(this.words, this.#roleWord) === Role.JS &&
      Atomics.load(this.words, this.#generationWord) === this.#generation
    );
  }

  #release(): void {
    open.delete(this.#ref);
    if (this.#ownsRole()) {
      this.flush();
      // A compare-exchange, as the C++ twin's release_role(): never frees a role that changed hands.
      Atomics.compareExchange(this.words, this.#roleWord, Role.JS, Role.CLOSED);
      Atomics.notify(this.words, this.indexWord);
    }
    // This side's own pending async waits sleep on the peer's index: wake them so they see
    // `closed` and resolve false. Only sides of this role wait on that word, so a peer never
    // wakes spuriously because of it.
    Atomics.notify(this.words, this.#watchWord);
  }

  #sleepSlice(remainingMs: number): number {
    // V8's Atomics.wait cannot be woken by a native thread: poll when the peer is not JS.
    const peer = Atomics.load(this.words, this.#peerRoleWord);
    return peer === Role.JS ? remainingMs : Math.min(remainingMs, POLL_SLICE_MS);
  }

  #announceSleep(): void {
    if (this.#sleepers++ === 0) Atomics.store(this.words, this.#sleepWord, 1);
  }

  #endSleep(): void {
    if (--this.#sleepers === 0) Atomics.store(this.words, this.#sleepWord, 0);
  }

  static #checkTimeout(timeoutMs: unknown): number {
    if (timeoutMs === undefined || timeoutMs === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
    return requireInteger('timeoutMs', timeoutMs, 0, 2 ** 31 - 1);
  }

  /**
   * Blocks this thread until `ready()` holds (true), or the timeout passes or the peer closes
   * (false). `ready` must re-read the peer's index from shared memory.
   */
  protected waitSync(ready: () => boolean, timeoutMs: unknown): boolean {
    const timeout = RingSide.#checkTimeout(timeoutMs);
    this.throwIfUnusable();
    if (ready()) return true;
    this.flush();
    const deadline = performance.now() + timeout;
    this.#announceSleep();
    try {
      for (;;) {
        const seen = Atomics.load(this.words, this.#watchWord);
        if (ready()) return true;
        if (this.peerClosed) return false;
        const remaining = deadline - performance.now();
        if (remaining <= 0) return false;
        Atomics.wait(this.words, this.#watchWord, seen, this.#sleepSlice(remaining));
      }
    } finally {
      this.#endSleep();
    }
  }

  /** The same as `waitSync`, sleeping with `Atomics.waitAsync` so the event loop keeps running. */
  protected async waitAsync(ready: () => boolean, timeoutMs: unknown): Promise<boolean> {
    const timeout = RingSide.#checkTimeout(timeoutMs);
    this.throwIfUnusable();
    if (ready()) return true;
    this.flush();
    const deadline = performance.now() + timeout;
    this.#announceSleep();
    // A pending Atomics.waitAsync does not keep Node's event loop alive; this timer does.
    const keepAlive = setInterval(() => {}, 2 ** 30);
    try {
      for (;;) {
        const seen = Atomics.load(this.words, this.#watchWord);
        if (ready()) return true;
        if (this.peerClosed || (this.gate & Gate.CLOSED) !== 0) return false;
        const remaining = deadline - performance.now();
        if (remaining <= 0) return false;
        const result = waitAsync(this.words, this.#watchWord, seen, this.#sleepSlice(remaining));
        if (result.async) await result.value;
      }
    } finally {
      clearInterval(keepAlive);
      this.#endSleep();
    }
  }
}
