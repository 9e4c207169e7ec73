import { threadId } from 'node:worker_threads';
import {
  CorelaneError,
  CorelaneTypeError,
  ErrorCode,
  requireInteger,
  requireOptions,
  writeHeader,
} from '@corelane/shared';
import {
  EPOCH_KIND,
  EPOCH_MAGIC,
  EPOCH_VERSION,
  EpochWord,
  epochBytes,
  MAX_SLOTS,
  SLOT_BYTES,
  SLOTS_START,
  SlotWord,
  validateEpochBuffer,
} from './epoch-layout.js';
import { Garbage } from './garbage.js';

/** Options of {@link EpochDomain.create}. */
export interface EpochDomainOptions {
  /** How many domain objects (one per thread, usually) may be attached at once. Default 64, at most 4096. */
  slots?: number;
}

/** How this thread's domain object frees what it retires. */
export interface EpochAttachOptions {
  /** Frees one retired value (an arena offset, an index) once no pinned thread can still see it. */
  reclaim?: (value: number) => void;
  /**
   * Takes values this object retired that are not yet safe to free, with the newest epoch among
   * them, so that another thread can free them later: at `close()`, and at `flush()` (a thread
   * going idle). Returns how many it took, from the front (`undefined`: all); `flush()` keeps the
   * rest, `close()` drops (leaks) them. Without it, close() drops them all and flush() keeps them.
   */
  orphan?: (values: Int32Array, epoch: number) => number | undefined;
}

/** The OWNER of a slot that one releaseThread() call is releasing (never a claim token). */
const RELEASING = -1;

/** Retirements between two automatic `collect()` calls. */
const COLLECT_EVERY = 64;

/** A value retired at epoch `e` is freed once the global epoch reached `e + 4` (two advances). */
const SAFE_DISTANCE = 4;

/** Domains attached in this thread and not yet closed: closed when the thread exits normally. */
const open = new Set<WeakRef<EpochDomain>>();
let exitHookInstalled = false;

/** Set while the thread exits: close() then ends pins too (no code of this thread runs after). */
let exiting = false;

function closeAllOnExit(): void {
  exiting = true;
  for (const ref of open) ref.deref()?.close();
}

/**
 * Epoch-based reclamation in shared memory, as in crossbeam-epoch: a global epoch and one slot
 * per participating thread. A thread `pin()`s before it reads shared blocks and `unpin()`s after;
 * a block that was unlinked is `retire()`d and freed only once every thread pinned at the time
 * has unpinned (the global epoch moved twice past the block's epoch).
 *
 * A thread that stops while pinned delays reclamation (nothing retired after it pinned is freed)
 * but never blocks anyone: nobody waits on a slot. A slot is released by `close()`, when the
 * thread exits normally, or by {@link EpochDomain.releaseThread} for a thread that died.
 *
 * Each domain object takes one slot; pins nest (only the outermost `unpin()` unpins).
 */
export class EpochDomain {
  /** The domain's buffer: send it to another thread and `attach()` it there. */
  readonly buffer: SharedArrayBuffer;
  /** Slots in the domain: the most domain objects attached at once. */
  readonly slots: number;
  readonly #words: Int32Array;
  /** Word index of this object's slot. */
  readonly #slot: number;
  readonly #token: number;
  readonly #garbage = new Garbage();
  readonly #reclaim: ((value: number) => void) | undefined;
  readonly #orphan: ((values: Int32Array, epoch: number) => number | undefined) | undefined;
  readonly #ref: WeakRef<EpochDomain>;
  #depth = 0;
  /** The slot says pinned (at `#heldEpoch`) though `#depth` may be 0: see unpinLater(). */
  #held = false;
  #heldEpoch = 0;
  #releaseQueued = false;
  #sinceCollect = 0;
  #closed = false;

  private constructor(buffer: SharedArrayBuffer, slots: number, options: EpochAttachOptions) {
    this.buffer = buffer;
    this.slots = slots;
    this.#words = new Int32Array(buffer);
    this.#reclaim = options.reclaim;
    this.#orphan = options.orphan;
    // SC add: every claim gets its own int32 token (0 means "free", RELEASING "being released").
    let token = 0;
    while (token === 0 || token === RELEASING) token = (Atomics.add(this.#words, EpochWord.NEXT_TOKEN, 1) + 1) | 0;
    this.#token = token;
    this.#slot = this.#claim();
    this.#ref = new WeakRef(this);
    open.add(this.#ref);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.once('exit', closeAllOnExit);
    }
  }

  /** A new domain, attached in this thread. */
  static create(options?: EpochDomainOptions, attach?: EpochAttachOptions): EpochDomain {
    const opts = requireOptions('options', options);
    const slots = opts.slots === undefined ? 64 : requireInteger('options.slots', opts.slots, 1, MAX_SLOTS);
    const callbacks = checkAttachOptions(attach);
    const buffer = new SharedArrayBuffer(epochBytes(slots));
    writeHeader(buffer, {
      magic: EPOCH_MAGIC,
      version: EPOCH_VERSION,
      kind: EPOCH_KIND,
      variant: 0,
      capacity: slots,
      dataOffset: SLOTS_START,
      byteLength: epochBytes(slots),
    });
    // The buffer is fresh (zeroed) and no other thread has it yet: THREAD words start at -1.
    const words = new Int32Array(buffer);
    for (let i = 0; i < slots; i++) words[(SLOTS_START + SLOT_BYTES * i) / 4 + SlotWord.THREAD] = -1;
    return new EpochDomain(buffer, slots, callbacks);
  }

  /**
   * Attaches this thread to the domain in `buffer` (from another thread's `domain.buffer`),
   * taking a free slot.
   *
   * @throws `ERR_CORELANE_BAD_MAP` when `buffer` is not an epoch domain of this version (nothing
   *   is written then); `ERR_CORELANE_ROLE_TAKEN` when every slot is held.
   */
  static attach(buffer: SharedArrayBuffer, options?: EpochAttachOptions): EpochDomain {
    const slots = validateEpochBuffer(buffer);
    return new EpochDomain(buffer, slots, checkAttachOptions(options));
  }

  /** The global epoch (even; it wraps around at 2^31). */
  get epoch(): number {
    return Atomics.load(this.#words, EpochWord.GLOBAL); // SC load
  }

  /** Whether this object is pinned now. */
  get pinned(): boolean {
    return this.#depth > 0;
  }

  /** Values retired by this object and not yet freed. */
  get pending(): number {
    return this.#garbage.length;
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Pins this thread: until the matching `unpin()`, no block that is reachable now is freed.
   * Pins nest.
   *
   * @throws `ERR_CORELANE_CLOSED` after `close()`; `ERR_CORELANE_INVALID_STATE` when the slot was
   *   taken away by `releaseThread()` (this thread was wrongly declared dead).
   */
  pin(): void {
    if (this.#depth++ > 0) return;
    // Fast path: still held (unpinLater()) at the epoch it was published with, as a thread making
    // many operations in a row finds it nearly every time. Plain loads, not SC ones (each
    // Atomics call costs as much as the rest of a pin here). Proof obligation (racy edge: a
    // stale read of GLOBAL): a stale epoch equal to the held one keeps the slot as it is, which
    // is safe (the slot never stopped saying pinned since a store made before every read of
    // this pin, the case of a thread that stayed pinned all along, argued below); it only holds
    // back the next advance until the slot is released at the end of the task or repinned. A
    // stale OWNER equal to our token misses a releaseThread() that ran meanwhile, which the SC
    // check below can miss too (it may run right after the check): that check is best effort.
    const words = this.#words;
    if (
      this.#held &&
      !this.#closed &&
      words[this.#slot + SlotWord.OWNER] === this.#token &&
      words[EpochWord.GLOBAL] === this.#heldEpoch
    ) {
      return;
    }
    if (this.#closed || Atomics.load(this.#words, this.#slot + SlotWord.OWNER) !== this.#token) {
      this.#depth = 0;
      if (this.#closed) throw new CorelaneError(ErrorCode.CLOSED, 'the epoch domain was closed');
      throw new CorelaneError(ErrorCode.INVALID_STATE, "this thread's epoch slot was released by releaseThread()");
    }
    // SC load of the epoch, then SC store of it into the slot, before any read of shared blocks.
    // Proof obligation (racy edge: the epoch may advance between the load and the store): a
    // thread that advances reads every slot; if it read ours before the store, it may move the
    // epoch on, and even twice, but then every block unlinked before our store is unreachable to
    // us (our reads come after the store, in the SC order), and every block unlinked after it
    // carries an epoch at least the one we stored: it stays until we unpin, because no advance
    // passes a slot pinned at an epoch other than the global one.
    const global = Atomics.load(this.#words, EpochWord.GLOBAL);
    // Still held (unpinLater()) at the current epoch: the slot never stopped saying pinned since
    // a store made before every read of this pin, so this is the case of a thread that stayed
    // pinned all along, and the argument above holds as it is. Moved on: store anew (a repin).
    if (this.#held && global === this.#heldEpoch) return;
    Atomics.store(this.#words, this.#slot + SlotWord.EPOCH, global | 1);
    this.#held = true;
    this.#heldEpoch = global;
  }

  /** Ends the outermost pin. @throws `ERR_CORELANE_INVALID_STATE` without a pin. */
  unpin(): void {
    if (this.#depth === 0) throw new CorelaneError(ErrorCode.INVALID_STATE, 'unpin() without pin()');
    if (--this.#depth === 0) this.#release();
  }

  /**
   * Ends the outermost pin as `unpin()` does for the caller (it must not use what it read any
   * more), but leaves the slot pinned until the current task ends (a microtask), the next
   * `collect()`, or the next `pin()`, which then stores nothing unless the epoch moved: a thread
   * making many short operations in a row publishes its slot once per epoch advance instead of
   * twice per operation. The cost: until then, the epoch advances at most once past this
   * thread (garbage retired meanwhile waits). `SharedMap` ends every operation this way.
   *
   * @throws `ERR_CORELANE_INVALID_STATE` without a pin.
   */
  unpinLater(): void {
    if (this.#depth === 0) throw new CorelaneError(ErrorCode.INVALID_STATE, 'unpinLater() without pin()');
    if (--this.#depth === 0 && !this.#releaseQueued) {
      this.#releaseQueued = true;
      queueMicrotask(this.#releaseLater);
    }
  }

  readonly #releaseLater = (): void => {
    this.#releaseQueued = false;
    if (this.#depth === 0) this.#release();
  };

  /** Unpins the slot (depth 0), unless it was released or taken away meanwhile. */
  #release(): void {
    if (!this.#held) return;
    this.#held = false;
    // SC store: every read of shared blocks made while pinned comes before it. Only while the
    // slot is still ours: releaseThread() may have taken it, and a new holder pinned it.
    if (!this.#closed && Atomics.load(this.#words, this.#slot + SlotWord.OWNER) === this.#token) {
      Atomics.store(this.#words, this.#slot + SlotWord.EPOCH, 0);
    }
  }

  /** Runs `fn` pinned. */
  run<T>(fn: () => T): T {
    this.pin();
    try {
      return fn();
    } finally {
      this.unpin();
    }
  }

  /**
   * Hands `value` (a block no thread can reach any more, though a pinned thread may still be
   * reading it) to `reclaim` once that is safe. Every 64 retirements it calls `collect()`.
   */
  retire(value: number): void {
    if (this.#reclaim === undefined) {
      throw new CorelaneError(ErrorCode.INVALID_STATE, 'retire() needs a domain attached with a reclaim function');
    }
    // SC load, after the unlink of `value`: the epoch read is at least the one any thread that
    // can still see `value` pinned at.
    this.#garbage.push(value, Atomics.load(this.#words, EpochWord.GLOBAL));
    if (++this.#sinceCollect >= COLLECT_EVERY) this.collect();
  }

  /** Tries to advance the global epoch, then frees what is safe; returns how many values it freed. */
  collect(): number {
    this.#sinceCollect = 0;
    const global = this.tryAdvance();
    const garbage = this.#garbage;
    let freed = 0;
    while (garbage.length > 0 && ((global - garbage.oldestEpoch()) | 0) >= SAFE_DISTANCE) {
      (this.#reclaim as (value: number) => void)(garbage.shift());
      freed++;
    }
    return freed;
  }

  /**
   * Frees what is safe, then hands what this object retired and is not yet safe to `orphan`, so
   * that no retired value waits for this thread to run again (call it when the thread goes idle;
   * `SharedMap` does, a few milliseconds after its last write). Returns how many values were
   * handed over. Safe while pinned: it frees only what no pinned thread can still see.
   */
  flush(): number {
    if (this.#closed) return 0;
    if (this.#reclaim !== undefined) this.collect();
    const garbage = this.#garbage;
    if (garbage.length === 0 || this.#orphan === undefined) return 0;
    const epoch = garbage.newestEpoch();
    const values = garbage.takeAll();
    const taken = this.#orphan(values, epoch) ?? values.length;
    // What found no room stays here, under the newest epoch (later than each one's own: safe).
    for (let i = taken; i < values.length; i++) garbage.push(values[i] as number, epoch);
    return taken;
  }

  /** Whether a value retired at `epoch` may be freed now. */
  isSafe(epoch: number): boolean {
    return ((Atomics.load(this.#words, EpochWord.GLOBAL) - epoch) | 0) >= SAFE_DISTANCE;
  }

  /**
   * Moves the global epoch on by one step when every pinned slot is pinned at the current one;
   * returns the global epoch after the attempt. Never waits.
   */
  tryAdvance(): number {
    // A slot held by unpinLater() would hold back this very advance.
    if (this.#depth === 0) this.#release();
    const words = this.#words;
    const global = Atomics.load(words, EpochWord.GLOBAL); // SC load
    // SC load: a slot claimed after it is read pins at `global` or later (see pin()).
    const used = Atomics.load(words, EpochWord.HIGH_WATER);
    for (let i = 0; i < used; i++) {
      const local = Atomics.load(words, (SLOTS_START + SLOT_BYTES * i) / 4 + SlotWord.EPOCH); // SC load
      if ((local & 1) !== 0 && (local & ~1) !== global) return global;
    }
    // Proof obligation (racy edge: concurrent advancers, and threads pinning meanwhile): the CAS
    // moves the epoch by exactly one step from the value every pinned slot agreed with; a thread
    // that pinned after our scan pinned at `global` or later, which the argument in pin() covers.
    const next = (global + 2) | 0;
    const seen = Atomics.compareExchange(words, EpochWord.GLOBAL, global, next);
    return seen === global ? next : seen;
  }

  /**
   * Releases, on behalf of a thread that can no longer do it (a worker stopped with
   * `worker.terminate()` runs no exit hook), every slot that thread `threadId` holds: its pins
   * end, so reclamation resumes, and the slots can be taken again. Call it only once that thread
   * is known to be gone (its `'exit'` event fired): freeing under a live reader is unsafe. The
   * values it retired and had not freed are lost (they stay allocated). Returns how many slots
   * were released.
   */
  releaseThread(deadThreadId: number): number {
    requireInteger('threadId', deadThreadId, 0, 2 ** 31 - 1);
    const words = this.#words;
    let released = 0;
    for (let i = 0; i < this.slots; i++) {
      const slot = (SLOTS_START + SLOT_BYTES * i) / 4;
      // SC loads, the owner first: THREAD reads `deadThreadId` only from that thread's claim
      // storing it until its release storing -1 (before OWNER goes 0), so an owner read before
      // such a THREAD read is that claim's token (or 0, or RELEASING), never a later holder's.
      const owner = Atomics.load(words, slot + SlotWord.OWNER);
      if (owner === 0 || owner === RELEASING || (slot === this.#slot && owner === this.#token)) continue;
      if (Atomics.load(words, slot + SlotWord.THREAD) !== deadThreadId) continue;
      // Proof obligation (racy edge: several threads releasing one dead thread's slot, and a new
      // thread claiming it): tokens are unique, so the CAS succeeds only while the slot still
      // holds the dead thread's claim, and makes this call its only releaser; the slot is not
      // free (claimable) until the last store below, so the EPOCH and THREAD stores never land on
      // a slot a new holder took and pinned. Unpin first, then free the slot (SC stores in this
      // order): a new holder starts unpinned.
      if (Atomics.compareExchange(words, slot + SlotWord.OWNER, owner, RELEASING) !== owner) continue;
      Atomics.store(words, slot + SlotWord.EPOCH, 0);
      Atomics.store(words, slot + SlotWord.THREAD, -1);
      Atomics.store(words, slot + SlotWord.OWNER, 0);
      released++;
    }
    return released;
  }

  /**
   * Detaches this object: frees what is already safe, hands the rest to `orphan` (when given),
   * and releases the slot. Idempotent.
   *
   * @throws `ERR_CORELANE_INVALID_STATE` while pinned (nothing changes then); at thread exit it
   *   unpins instead, as no code of the thread runs after.
   */
  close(): void {
    if (this.#closed) return;
    // A pinned caller may still be reading blocks (a withValue() view): unpinning them here
    // would let other threads free those blocks under it.
    if (this.#depth > 0 && !exiting) {
      throw new CorelaneError(ErrorCode.INVALID_STATE, 'close() while pinned: close after the outermost unpin()');
    }
    this.#closed = true;
    open.delete(this.#ref);
    const words = this.#words;
    if (Atomics.load(words, this.#slot + SlotWord.OWNER) === this.#token) {
      Atomics.store(words, this.#slot + SlotWord.EPOCH, 0); // SC: unpinned before anything below
      this.#depth = 0;
      this.#held = false;
      if (this.#reclaim !== undefined) this.collect();
      if (this.#garbage.length > 0 && this.#orphan !== undefined) {
        const epoch = this.#garbage.newestEpoch();
        this.#orphan(this.#garbage.takeAll(), epoch);
      }
      Atomics.store(words, this.#slot + SlotWord.THREAD, -1);
      Atomics.compareExchange(words, this.#slot + SlotWord.OWNER, this.#token, 0); // SC: the slot is free
    }
    this.#depth = 0;
  }

  /** Takes a free slot (CAS 0 → token); returns its word index. */
  #claim(): number {
    const words = this.#words;
    for (let i = 0; i < this.slots; i++) {
      const slot = (SLOTS_START + SLOT_BYTES * i) / 4;
      if (Atomics.load(words, slot + SlotWord.OWNER) !== 0) continue;
      // Proof obligation (racy edge: two threads claiming one slot): the CAS gives it to one.
      if (Atomics.compareExchange(words, slot + SlotWord.OWNER, 0, this.#token) === 0) {
        Atomics.store(words, slot + SlotWord.THREAD, threadId);
        // Raise HIGH_WATER to cover this slot (CAS loop: it only grows) before the first pin.
        for (let seen = Atomics.load(words, EpochWord.HIGH_WATER); seen <= i; ) {
          const before = Atomics.compareExchange(words, EpochWord.HIGH_WATER, seen, i + 1);
          if (before === seen) break;
          seen = before;
        }
        return slot;
      }
    }
    throw new CorelaneError(
      ErrorCode.ROLE_TAKEN,
      `every one of the ${this.slots} epoch slots is held: close a map or domain in a thread that no longer needs it, ` +
        'call releaseThread() for threads that died, or create the map with more slots',
    );
  }
}

function checkAttachOptions(options: EpochAttachOptions | undefined): EpochAttachOptions {
  const opts = requireOptions('options', options);
  for (const name of ['reclaim', 'orphan'] as const) {
    if (opts[name] !== undefined && typeof opts[name] !== 'function') {
      throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, `options.${name} must be a function`);
    }
  }
  return opts;
}
