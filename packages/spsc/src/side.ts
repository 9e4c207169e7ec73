import { CorelaneError, ErrorCode, type HeaderExpectation, type HeaderFields, requireInteger } from '@corelane/shared';
import { checkAttach, type SideOptions } from './attach.js';
import { type Tracked, track, untrack } from './exit-registry.js';
import { Role, Word } from './layout.js';
import { PublishSchedule } from './publish-schedule.js';
import { claimRole, ownsRole, releaseOwnRole, roleState } from './role.js';
import { SleepProtocol, sleepWordsOf, wake, wakeSide } from './sleep.js';

export type { SideOptions } from './attach.js';

/** Which end of the ring a side is. */
export type RingRole = 'producer' | 'consumer';

/** Bits of `RingSide.gate`: a side reads or writes only while no bit is set. */
export const Gate = {
  /** `close()` was called. */
  CLOSED: 1,
  /** A `drain()`/`read()` handler is running: another read would hand out the same records again. */
  READING: 2,
} as const;

/**
 * What every side of every ring shares, each concern in its own file: the header checks
 * (attach.ts), the role claim (role.ts), the publishing schedule (publish-schedule.ts), the
 * exit and collection registry (exit-registry.ts) and the sleep protocol (sleep.ts). This
 * class ties them together: publish, close, peer state and the waits.
 */
export abstract class RingSide extends PublishSchedule implements Disposable {
  /** The ring's buffer. */
  readonly buffer: SharedArrayBuffer;
  /** Slots (slot ring) or bytes (byte ring) of the ring. */
  readonly capacity: number;
  /** Which end this is. */
  readonly role: RingRole;
  protected readonly words: Int32Array;
  protected readonly mask: number;
  /**
   * `Gate` bits; 0 while the side may be used. One field, so a hot path pays one test for both
   * "closed" and "inside a handler".
   */
  protected gate = 0;
  /** This side's index word: what it publishes. */
  protected readonly indexWord: number;
  readonly #roleWord: number;
  /** The role word as this side's claim wrote it: the side owns the role while the word equals it. */
  readonly #token: number;
  readonly #peerRoleWord: number;
  readonly #peerSleepWord: number;
  readonly #peerWakeWord: number;
  readonly #sleep: SleepProtocol;
  readonly #tracked: Tracked;
  /** `close()` was called inside a handler: release the role once the handler loop ends. */
  #releaseAfterRead = false;

  protected constructor(
    buffer: unknown,
    expected: HeaderExpectation,
    role: RingRole,
    options: SideOptions | undefined,
    checkFields: (fields: HeaderFields) => void,
  ) {
    // Read and check everything first: a wrong header or option throws before any write.
    const { fields, publishEvery, autoFlush, napMs } = checkAttach(buffer, expected, options, checkFields);
    super(publishEvery, autoFlush);
    this.buffer = buffer as SharedArrayBuffer;
    this.capacity = fields.capacity;
    this.mask = fields.capacity - 1;
    this.role = role;
    const words = new Int32Array(this.buffer, 0, fields.byteLength >> 2);
    this.words = words;
    const producer = role === 'producer';
    this.#roleWord = producer ? Word.PRODUCER_ROLE : Word.CONSUMER_ROLE;
    this.#peerRoleWord = producer ? Word.CONSUMER_ROLE : Word.PRODUCER_ROLE;
    this.indexWord = producer ? Word.TAIL : Word.HEAD;
    const peer = sleepWordsOf(!producer);
    this.#peerSleepWord = peer.sleep;
    this.#peerWakeWord = peer.wake;
    this.#sleep = new SleepProtocol(words, producer, this.#peerRoleWord, napMs);
    const token = claimRole(words, this.#roleWord, Role.JS);
    if (token === -1) {
      const holder =
        roleState(Atomics.load(words, this.#roleWord)) === Role.NATIVE ? 'a native thread' : 'another side';
      throw new CorelaneError(
        ErrorCode.ROLE_TAKEN,
        `the ${role} role of this ring is held by ${holder}; it must close() before another ${role} attaches`,
      );
    }
    this.#token = token;
    // If this side is collected without close(): release the role and wake the peer. The
    // closure holds the words and numbers only, never `this`.
    const roleWord = this.#roleWord;
    this.#tracked = track(this, () => {
      if (releaseOwnRole(words, roleWord, token)) wakeSide(words, peer.sleep, peer.wake);
    });
  }

  /** True once `close()` was called on this side. */
  get closed(): boolean {
    return (this.gate & Gate.CLOSED) !== 0;
  }

  /** True while the other end's role is held (by a JS side or a native thread). */
  get peerAttached(): boolean {
    const state = roleState(Atomics.load(this.words, this.#peerRoleWord));
    return state === Role.JS || state === Role.NATIVE;
  }

  /** True when the other end attached and then closed (or its thread exited). */
  get peerClosed(): boolean {
    return roleState(Atomics.load(this.words, this.#peerRoleWord)) === Role.CLOSED;
  }

  /**
   * Publishes `index` as this side's index and wakes the peer only if it announced a sleep
   * (P1-P3 of sleep.ts: one seq-cst store and one load of the wait line per publish).
   */
  protected publish(index: number): void {
    this.pending = 0;
    const words = this.words;
    Atomics.store(words, this.indexWord, index); // P1
    const sleeping = Atomics.load(words, this.#peerSleepWord); // P2
    if (sleeping !== 0) wake(words, this.#peerWakeWord, sleeping); // P3
  }

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

  /** `close()`, so that `using side = new RingProducer(buffer)` closes it at the end of the block. */
  [Symbol.dispose](): void {
    this.close();
  }

  #release(): void {
    untrack(this.#tracked);
    const words = this.words;
    const owned = ownsRole(words, this.#roleWord, this.#token);
    // Before the role is free: no pending wait of this side writes the sleeping word after it.
    this.#sleep.detach(owned);
    if (owned) {
      this.flush();
      // One compare-exchange of the whole word (state + generation): never frees a role that
      // changed hands after the check above.
      if (releaseOwnRole(words, this.#roleWord, this.#token)) wakeSide(words, this.#peerSleepWord, this.#peerWakeWord);
    }
    // This side's own pending waits sleep on its own wake word: wake them so they see `closed`.
    this.#sleep.wakeOwn();
  }

  static #checkTimeout(timeoutMs: unknown): number {
    if (timeoutMs === undefined || timeoutMs === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
    return requireInteger('timeoutMs', timeoutMs, 0, 2 ** 31 - 1);
  }

  readonly #stopSync = (): boolean => this.peerClosed;
  readonly #stopAsync = (): boolean => this.peerClosed || (this.gate & Gate.CLOSED) !== 0;

  /**
   * Blocks this thread until `ready()` holds (true), or the timeout passes or the peer closes
   * (false). `ready` must re-read the peer's index from shared memory.
   */
  protected waitSync(ready: () => boolean, timeoutMs: unknown): boolean {
    const timeout = RingSide.#checkTimeout(timeoutMs);
    this.throwIfUnusable();
    if (ready()) return true;
    this.flush();
    return this.#sleep.sleepSync(ready, this.#stopSync, timeout);
  }

  /** The same as `waitSync`, sleeping without blocking the thread so the event loop keeps running. */
  protected async waitAsync(ready: () => boolean, timeoutMs: unknown): Promise<boolean> {
    const timeout = RingSide.#checkTimeout(timeoutMs);
    this.throwIfUnusable();
    if (ready()) return true;
    this.flush();
    // A close() of this side while the wait is pending wins over records that arrived meanwhile:
    // the wait resolves false, as close() promises, not true for records it can no longer read.
    const open = (): boolean => (this.gate & Gate.CLOSED) === 0 && ready();
    return this.#sleep.sleepAsync(open, this.#stopAsync, timeout);
  }
}
