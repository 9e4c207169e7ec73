import { randomBytes } from 'node:crypto';
import {
  CorelaneError,
  CorelaneRangeError,
  CorelaneTypeError,
  ErrorCode,
  requireInteger,
  requireOptions,
} from '@corelane/shared';
import { Arena, type ArenaUsage } from './arena.js';
import { regularSoKey } from './bits.js';
import { EpochDomain } from './epoch-domain.js';
import { EpochWord, validateEpochBuffer } from './epoch-layout.js';
import {
  claimSlot,
  inlineNodeBytes,
  releaseSlot,
  retireSlot,
  SLOT_BUSY,
  SLOT_FRESH,
  SLOT_HEADER,
  SLOT_VALUE,
  slotCapacity,
  slotsAt,
} from './inline-slots.js';
import { describe, fixedView, KeyScratch, type MapKey, readKey } from './key.js';
import { ARENA_START, MARK, MAX_BUCKETS_LOG2, MapWord, Node, Value } from './layout.js';
import { MAX_ARENA_BYTES, MAX_SEG0_LOG2, minArenaBytes, validateMapBuffer, writeMapHeader } from './map-header.js';
import { adoptOrphans, orphan } from './orphans.js';
import { INLINE_CLASS, MAX_BLOCK_BYTES } from './size-classes.js';
import { BUCKET_LINKED, dummyOf, segmentBytes, Table } from './table.js';

/** The largest value, in bytes. */
export const MAX_VALUE_BYTES = MAX_BLOCK_BYTES - Value.BYTES;

export { MAX_ARENA_BYTES };

/** Options of {@link SharedMap.create}. */
export interface SharedMapOptions {
  /**
   * Entries the map is sized for up front (its first bucket array; it grows past it on its own,
   * without a lock). 1..2^24, default 1024.
   */
  capacity?: number;
  /**
   * The most memory the map may use, in bytes: its buffer starts small and grows up to this.
   * Running out is `ERR_CORELANE_OUT_OF_MEMORY`. Default 64 MiB, at most 2^31 - 2^16.
   */
  arenaBytes?: number;
  /** How many map objects (about one per thread) may be attached at once. 1..4096, default 64. */
  threads?: number;
}

/**
 * What another thread needs to attach: structured-cloneable (post it, or pass it as
 * `workerData`). Both buffers are shared, never copied.
 */
export interface SharedMapHandle {
  /** The map's growable buffer: control area and arena. */
  readonly map: SharedArrayBuffer;
  /** The map's epoch domain. */
  readonly epochs: SharedArrayBuffer;
}

/** Map objects of this thread not yet closed: closed when the thread exits normally. */
const openMaps = new Set<WeakRef<SharedMap>>();
let exitHookInstalled = false;

function closeMapsOnExit(): void {
  for (const ref of openMaps) ref.deref()?.close();
}

/** Writes between two looks at the orphan stack. */
const ORPHAN_CHECK_EVERY = 256;

/** Orphan bags one look takes at most: on the write path, when idle, when an allocation fails. */
const ADOPT_ON_WRITE = 4;
const ADOPT_WHEN_IDLE = 16;
const ADOPT_WHEN_SPENT = 64;

/**
 * A thread that wrote and then made no write for this long is idle: what it retired and the
 * free blocks it caches go to shared memory, where any thread reclaims them (flush-on-idle).
 */
const IDLE_MS = 10;

/** Inline slots stamped between two `collect()` calls (as `retire()` collects every 64). */
const COLLECT_EVERY_STAMPS = 64;

/** Tries to free memory (collect, adopt orphans) before an allocation gives up. */
const RECLAIM_TRIES = 8;

/** Never notified: `Atomics.wait` on it is a bounded sleep. */
const backoff = new Int32Array(new SharedArrayBuffer(4));

/** Bytes the buffer starts with past the smallest arena. */
const SMALL_ARENA_BYTES = 64 * 1024;

function checkValue(name: string, value: unknown, optional: boolean): Uint8Array | undefined {
  if (value === undefined && optional) return undefined;
  if (!(value instanceof Uint8Array)) {
    throw new CorelaneTypeError(
      ErrorCode.INVALID_ARGUMENT,
      `${name} must be a Uint8Array${optional ? ' or undefined' : ''}, got ${describe(value)}`,
    );
  }
  // Fixed length: the length checked here is the one allocated for and copied, even if another
  // thread grows the buffer under a length-tracking view meanwhile.
  const fixed = fixedView(value);
  if (fixed.length > MAX_VALUE_BYTES) {
    throw new CorelaneRangeError(
      ErrorCode.RECORD_TOO_LARGE,
      `${name} is ${fixed.length} bytes; values are at most ${MAX_VALUE_BYTES} bytes`,
    );
  }
  return fixed;
}

/**
 * A hash map in shared memory that every thread reads and writes without a lock: keys are
 * strings or `Uint8Array`s, values `Uint8Array`s (copied in and out; `withValue()` reads in
 * place). Create it once, send `map.handle` to other threads and `SharedMap.attach()` it there.
 *
 * Every operation is lock-free: a thread stopped anywhere never stops the others. `get` only
 * reads shared memory. Memory freed by `set`/`delete` is reused once no thread can still be
 * reading it (epoch-based reclamation, {@link EpochDomain}). Each map object is for the thread
 * that created or attached it.
 */
export class SharedMap {
  /** Send this to another thread and call `SharedMap.attach(handle)` there. */
  readonly handle: SharedMapHandle;
  /** The epoch domain this map object is pinned with (advanced use: pin across several reads). */
  readonly epochs: EpochDomain;
  readonly #arena: Arena;
  readonly #table: Table;
  readonly #key = new KeyScratch();
  #writes = 0;
  /** The idle check pending (see IDLE_MS), and the write count when it was set. */
  #idleTimer: NodeJS.Timeout | null = null;
  #writesAtIdleCheck = 0;
  #repinned = false;
  #closed = false;
  readonly #ref: WeakRef<SharedMap>;
  /** addNumber's scratch: the sum as 8 bytes. */
  readonly #number = new Uint8Array(8);
  readonly #numberView = new DataView(this.#number.buffer);
  #sum = 0;
  /** claimSlot()'s out parameter: the state of the slot it claimed. */
  readonly #claimed = { state: 0 };
  readonly #epoch = (): number => this.epochs.epoch;
  /** Inline slots stamped since the epoch was last moved on by this object. */
  #stamps = 0;

  private constructor(buffer: SharedArrayBuffer, log2Seg0: number, epochs: SharedArrayBuffer | null, slots: number) {
    const arena = new Arena(buffer);
    this.#arena = arena;
    const callbacks = {
      reclaim: (offset: number) => arena.free(offset),
      orphan: (values: Int32Array, epoch: number) => orphan(arena, values, epoch),
    };
    this.epochs = epochs === null ? EpochDomain.create({ slots }, callbacks) : EpochDomain.attach(epochs, callbacks);
    this.handle = Object.freeze({ map: buffer, epochs: this.epochs.buffer });
    this.#table = new Table(arena, this.epochs, log2Seg0, MAX_BUCKETS_LOG2);
    // At a normal thread exit, close: the epoch slot is released (the domain's own hook does
    // that too) and this thread's cache of free blocks goes back to the shared free lists.
    this.#ref = new WeakRef(this);
    openMaps.add(this.#ref);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.once('exit', closeMapsOnExit);
    }
  }

  /**
   * A new, empty map.
   *
   * @throws `TypeError`/`RangeError` (`ERR_CORELANE_INVALID_ARGUMENT`/`ERR_CORELANE_OUT_OF_RANGE`)
   *   for bad options, including an `arenaBytes` too small for the `capacity`.
   */
  static create(options?: SharedMapOptions): SharedMap {
    const opts = requireOptions('options', options);
    const capacity =
      opts.capacity === undefined ? 1024 : requireInteger('options.capacity', opts.capacity, 1, 2 ** MAX_SEG0_LOG2);
    const log2Seg0 = Math.max(1, Math.ceil(Math.log2(capacity)));
    const seg0Bytes = segmentBytes(log2Seg0, 0);
    const minArena = minArenaBytes(log2Seg0);
    const arenaBytes =
      opts.arenaBytes === undefined
        ? Math.max(64 << 20, minArena)
        : requireInteger('options.arenaBytes', opts.arenaBytes, minArena, MAX_ARENA_BYTES);
    const threads = opts.threads === undefined ? 64 : requireInteger('options.threads', opts.threads, 1, 4096);
    const initial = Math.min(arenaBytes, Math.ceil((minArena + SMALL_ARENA_BYTES) / 65536) * 65536);
    const buffer = new SharedArrayBuffer(initial, { maxByteLength: arenaBytes });
    // The buffer is this thread's until create() returns: plain stores, then the header.
    const words = new Int32Array(buffer, 0, ARENA_START / 4);
    words[MapWord.TOP] = ARENA_START;
    words[MapWord.BUCKETS_LOG2] = log2Seg0;
    words[MapWord.PAIR] = pairId();
    writeMapHeader(buffer, log2Seg0);
    const map = new SharedMap(buffer, log2Seg0, null, threads);
    Atomics.store(new Int32Array(map.epochs.buffer, 0, 64), EpochWord.PAIR, words[MapWord.PAIR] as number);
    const arena = map.#arena;
    const segment = arena.bump(seg0Bytes);
    // Bucket 0's dummy (split-order key 0, next 0) is the list's head, linked from the start.
    Atomics.store(arena.words, (dummyOf(segment, 0) + Node.VALUE) >> 2, BUCKET_LINKED);
    Atomics.store(arena.words, MapWord.DIRECTORY, segment); // SC: before the handle leaves this thread
    return map;
  }

  /**
   * Attaches to the map another thread created, from its `map.handle`.
   *
   * @throws `TypeError` `ERR_CORELANE_INVALID_ARGUMENT` when `handle` is not a handle;
   *   `ERR_CORELANE_BAD_MAP` when its buffers are not a map of this version (nothing is written);
   *   `ERR_CORELANE_ROLE_TAKEN` when all `threads` slots are held.
   */
  static attach(handle: SharedMapHandle): SharedMap {
    if (typeof handle !== 'object' || handle === null || !('map' in handle) || !('epochs' in handle)) {
      throw new CorelaneTypeError(
        ErrorCode.INVALID_ARGUMENT,
        `handle must be a SharedMap handle ({ map, epochs }), got ${describe(handle)}`,
      );
    }
    // Each buffer read once: what is checked is what is attached (a getter may answer anew).
    const { map: buffer, epochs } = handle;
    const log2Seg0 = validateMapBuffer(buffer);
    validateEpochBuffer(epochs);
    // SC loads, reading only: both were written before the handle left the creating thread.
    const pair = Atomics.load(new Int32Array(buffer, 0, ARENA_START / 4), MapWord.PAIR);
    if (Atomics.load(new Int32Array(epochs, 0, 64), EpochWord.PAIR) !== pair) {
      throw new CorelaneError(
        ErrorCode.BAD_MAP,
        'not a corelane shared map: handle.epochs is the epoch domain of another map',
      );
    }
    return new SharedMap(buffer, log2Seg0, epochs, 0);
  }

  /**
   * Live entries (exact when no write is in flight; never negative).
   *
   * A thread that is terminated (`worker.terminate()`, an out-of-memory kill) in the middle of
   * a write can leave it off by one for good: between an insert's link and its count it stays
   * one low, between a delete's value CAS and its count one high. A thread has one write in
   * flight, so each such termination moves it by at most one; a thread that exits normally, or
   * throws, never does. `entries()` walks the live entries themselves.
   */
  get size(): number {
    // SC load. An insert counts after its link, so a delete of that entry may subtract first:
    // the count dips below 0 for that instant, when the truth is 0.
    return Math.max(0, Atomics.load(this.#arena.words, MapWord.COUNT));
  }

  /** Whether `close()` was called on this object. */
  get closed(): boolean {
    return this.#closed;
  }

  /** A copy of the value of `key`, or `undefined`. */
  get(key: MapKey): Uint8Array | undefined {
    const epochs = this.epochs;
    const value = this.#lookup(key); // pins
    try {
      if (value === 0) return undefined;
      const at = value + Value.BYTES;
      // One copy, straight from the arena (a fresh, unshared ArrayBuffer).
      return this.#arena.bytes.slice(at, at + (this.#arena.words[(value + Value.LENGTH) >> 2] as number));
    } finally {
      epochs.unpinLater();
    }
  }

  /** Whether `key` has a value. */
  has(key: MapKey): boolean {
    const found = this.#lookup(key) !== 0; // pins
    this.epochs.unpinLater();
    return found;
  }

  /**
   * Calls `fn` with the value of `key` in place (no copy) and returns what it returns, or
   * `undefined` without calling it when `key` is absent. The view is valid only inside `fn`:
   * the thread stays pinned meanwhile, so the bytes are not reused, but once `fn` returns they
   * may be. Never write into the view. `fn` may use the map.
   */
  withValue<T>(key: MapKey, fn: (view: Uint8Array) => T): T | undefined {
    const epochs = this.epochs;
    const value = this.#lookup(key); // pins
    try {
      if (value === 0) return undefined;
      const length = this.#arena.words[(value + Value.LENGTH) >> 2] as number;
      return fn(new Uint8Array(this.handle.map, value + Value.BYTES, length));
    } finally {
      epochs.unpinLater();
    }
  }

  /**
   * Encodes `key` (throwing before anything shared is touched), pins, and returns the offset of
   * its value block, inside this thread's views, or 0. The caller unpins, even when it throws
   * after. Plain reads of the block are then safe: it is immutable once its offset was
   * published, and the SC load that found it comes after that publication.
   */
  #lookup(key: MapKey): number {
    this.#open();
    const scratch = this.#key;
    scratch.encode(key);
    this.epochs.pin();
    let value = 0;
    try {
      value = this.#table.lookupKey(scratch);
    } catch (error) {
      this.epochs.unpin();
      throw error;
    }
    if (value > this.#arena.safeEnd) this.#arena.refresh();
    return value;
  }

  /**
   * Sets `key` to a copy of `value`.
   *
   * @throws `ERR_CORELANE_OUT_OF_MEMORY` when the arena cannot hold it (the map is unchanged);
   *   `ERR_CORELANE_RECORD_TOO_LARGE` for a key over 4096 bytes or a value over `MAX_VALUE_BYTES`.
   */
  set(key: MapKey, value: Uint8Array): this {
    this.#open();
    const scratch = this.#key;
    scratch.encode(key);
    this.#write(undefined, checkValue('value', value, false), false);
    return this;
  }

  /** Removes `key`; whether it was there. */
  delete(key: MapKey): boolean {
    this.#open();
    this.#key.encode(key);
    return this.#write(undefined, undefined, false);
  }

  /**
   * Sets `key` to `next` (or removes it, for `undefined`) only if its value now has the same
   * bytes as `expected` (or it is absent, for `undefined`), in one atomic step. Returns whether
   * it did.
   *
   * @throws as `set()` does; nothing changes when it throws.
   */
  compareAndSet(key: MapKey, expected: Uint8Array | undefined, next: Uint8Array | undefined): boolean {
    this.#open();
    this.#key.encode(key);
    return this.#write(checkValue('expected', expected, true), checkValue('next', next, true), true);
  }

  /**
   * Replaces the value of `key` with `fn(current)` (`undefined` for absent, and returning
   * `undefined` removes it), retrying with the new current value until no other thread wrote
   * in between (a CAS loop: `fn` may run more than once, so it must not have side effects).
   * Returns what was stored.
   */
  update(key: MapKey, fn: (current: Uint8Array | undefined) => Uint8Array | undefined): Uint8Array | undefined {
    if (typeof fn !== 'function') {
      throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, `fn must be a function, got ${describe(fn)}`);
    }
    for (;;) {
      const current = this.get(key);
      const next = checkValue('the value fn returned', fn(current), true);
      if (this.compareAndSet(key, current, next)) return next;
    }
  }

  /** The number stored by `setNumber()` under `key`, or `undefined`. @throws `ERR_CORELANE_INVALID_STATE` for a value that is not 8 bytes. */
  getNumber(key: MapKey): number | undefined {
    return this.withValue(key, readNumber);
  }

  /** Stores `value` as 8 bytes (a little-endian float64). */
  setNumber(key: MapKey, value: number): this {
    return this.set(key, encodeNumber(value, 'value'));
  }

  /**
   * Adds `delta` to the number under `key` (absent counts as 0) in one CAS loop, as `update()`
   * would, without copying the value out; returns the sum. Concurrent adds never lose one.
   *
   * @throws `ERR_CORELANE_INVALID_STATE` for a value that is not 8 bytes (nothing changes).
   */
  addNumber(key: MapKey, delta: number): number {
    this.#open();
    encodeNumber(delta, 'delta');
    this.#key.encode(key);
    this.#write(undefined, undefined, false, delta);
    return this.#sum;
  }

  /** The value bytes of the number in value block `value` (0: absent) plus `addend`; sets `#sum`. */
  #sumOf(value: number, addend: number): Uint8Array {
    const out = this.#number;
    let current = 0;
    if (value !== 0) {
      const arena = this.#arena;
      if (value > arena.safeEnd) arena.refresh();
      const length = arena.words[(value + Value.LENGTH) >> 2] as number; // plain: immutable
      if (length !== 8)
        throw new CorelaneError(ErrorCode.INVALID_STATE, `the value is ${length} bytes, not a number's 8`);
      const bytes = arena.bytes;
      for (let i = 0; i < 8; i++) out[i] = bytes[value + Value.BYTES + i] as number;
      current = this.#numberView.getFloat64(0, true);
    }
    this.#sum = current + addend;
    this.#numberView.setFloat64(0, this.#sum, true);
    return out;
  }

  /** The string stored by `setString()` under `key` (its bytes as UTF-8), or `undefined`. */
  getString(key: MapKey): string | undefined {
    return this.withValue(key, (view) => Buffer.from(view.buffer, view.byteOffset, view.length).toString('utf8'));
  }

  /** Stores `value` as its UTF-8 bytes. */
  setString(key: MapKey, value: string): this {
    if (typeof value !== 'string') {
      throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, `value must be a string, got ${describe(value)}`);
    }
    return this.set(key, Buffer.from(value, 'utf8'));
  }

  /**
   * Every entry as `[key, value copy]`, weakly consistent: each entry present for the whole
   * iteration is yielded exactly once; entries set or deleted meanwhile may or may not be.
   * Never holds a pin between two `next()` calls.
   */
  *entries(): Generator<[MapKey, Uint8Array]> {
    const batch: [MapKey, Uint8Array][] = [];
    const position = new KeyScratch();
    let started = false;
    for (;;) {
      this.#open();
      this.#nextBatch(started ? position : null, batch);
      if (batch.length === 0) return;
      started = true;
      const last = batch[batch.length - 1] as [MapKey, Uint8Array];
      position.encode(last[0]);
      yield* batch;
      batch.length = 0;
    }
  }

  /** Every key (see `entries()`). */
  *keys(): Generator<MapKey> {
    for (const [key] of this.entries()) yield key;
  }

  /** Every value, copied (see `entries()`). */
  *values(): Generator<Uint8Array> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): Generator<[MapKey, Uint8Array]> {
    return this.entries();
  }

  /** How much of the arena is in use. */
  memory(): ArenaUsage {
    return this.#arena.usage();
  }

  /** Frees what this thread retired and is now safe, and one orphaned bag; returns how many blocks. */
  collect(): number {
    this.#open();
    return this.epochs.collect() + adoptOrphans(this.#arena, this.epochs, ADOPT_WHEN_IDLE);
  }

  /**
   * Hands to shared memory what this thread holds for itself: retired blocks not yet safe go
   * to the map's stack of garbage bags (any thread frees them once safe), the free blocks it
   * caches to the shared free lists, after freeing what is safe and a few orphaned bags. A
   * thread does this on its own a few milliseconds after its last write, when its event loop
   * runs (flush-on-idle); call it before a thread blocks for long (`Atomics.wait`). Returns how
   * many retired blocks it handed over.
   */
  flush(): number {
    this.#open();
    const handed = this.epochs.flush();
    adoptOrphans(this.#arena, this.epochs, ADOPT_WHEN_IDLE);
    this.#arena.flush();
    return handed;
  }

  /** After a write: makes sure an idle check is pending (one timer per IDLE_MS at most). */
  #armIdle(): void {
    this.#writesAtIdleCheck = this.#writes;
    // Unref'd: an idle check never keeps a thread alive; one that exits closes the map anyway.
    this.#idleTimer = setTimeout(this.#onIdle, IDLE_MS);
    this.#idleTimer.unref();
  }

  readonly #onIdle = (): void => {
    this.#idleTimer = null;
    if (this.#closed) return;
    // Written meanwhile: not idle yet, look again later (without a timer per write).
    if (this.#writes !== this.#writesAtIdleCheck) this.#armIdle();
    else this.flush();
  };

  /** See {@link EpochDomain.releaseThread}: frees the epoch slot a dead thread held on this map. */
  releaseThread(threadId: number): number {
    return this.epochs.releaseThread(threadId);
  }

  /**
   * Detaches this object (its epoch slot is released); the map lives on in other threads.
   * Idempotent.
   *
   * @throws `ERR_CORELANE_INVALID_STATE` while pinned (inside `withValue()`'s `fn`, or under
   *   `map.epochs.pin()`): nothing changes then.
   */
  close(): void {
    if (this.#closed) return;
    // First, as it throws while pinned (inside withValue()): frees what is safe into this
    // thread's cache, orphans the rest. (At exit, the domain's own hook, installed before this
    // one, has closed it already.)
    this.epochs.close();
    this.#closed = true;
    if (this.#idleTimer !== null) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
    openMaps.delete(this.#ref);
    this.#arena.flush();
  }

  #open(): void {
    if (this.#closed) throw new CorelaneError(ErrorCode.CLOSED, 'this SharedMap object was closed');
  }

  /**
   * Every change, for the key in the scratch. `cas` false: set (`next` defined) or delete.
   * `cas` true: compare with `expected` first. Allocates before anything changes and frees
   * what it did not publish.
   */
  #write(
    expected: Uint8Array | undefined,
    next: Uint8Array | undefined,
    cas: boolean,
    addend: number | null = null,
  ): boolean {
    const scratch = this.#key;
    const arena = this.#arena; // its views may be refreshed by any call below: read arena.words each time
    const table = this.#table;
    const epochs = this.epochs;
    if (++this.#writes % ORPHAN_CHECK_EVERY === 0) adoptOrphans(arena, epochs, ADOPT_ON_WRITE);
    if (this.#idleTimer === null) this.#armIdle();
    let fresh = 0; // a new value block of its own (to replace a value)
    let node = 0; // a new node (to insert), its value inline when it fits
    let nodeHoldsFresh = false; // `node`'s value word is `fresh` (a value too large to go inline)
    const soKey = regularSoKey(scratch.hash);
    epochs.pin();
    try {
      for (;;) {
        const start = table.startKey(scratch.hash, true);
        if (table.find(start, soKey, scratch)) {
          const cur = table.cur;
          const old = Atomics.load(arena.words, (cur + Node.VALUE) >> 2); // SC load
          if (old === 0) continue; // deleted meanwhile: the next find unlinks it
          if (cas && (expected === undefined || !this.#sameBytes(old, expected))) return false;
          if (addend !== null) next = this.#sumOf(old, addend);
          let target = 0; // the value block to publish: an inline slot, `fresh`, or 0 (a delete)
          let claimedState = 0;
          if (next !== undefined) {
            // Plain read of `cur`'s slots word inside claimSlot(): immutable, published with cur.
            target = claimSlot(arena.words, cur, scratch.length, old, next.length, this.#epoch, this.#claimed);
            claimedState = this.#claimed.state;
            if (target === 0) {
              if (fresh === 0) {
                fresh = this.#allocPinned(Value.BYTES + next.length);
                if (this.#repinned) continue; // unpinned meanwhile: cur may be gone, search again
              }
              target = fresh;
            }
            // Unpublished (a slot we own, or our fresh block): nothing can throw between the
            // claim and the CAS below, so a claimed slot is always either published or released.
            writeValue(arena, target, next);
          }
          const words = arena.words; // cur and target are inside the views
          // Proof obligation (racy edge: writers of one entry): the value word is the entry's
          // linearization point. The CAS succeeds only if nobody changed it since `old` was read.
          // No ABA: `old` cannot come back as another value while we are pinned, be it an
          // out-of-line block (not reused while we are pinned) or an inline slot (its stamp
          // stays within 2 of the epoch while we are pinned, so nobody claims it again, see
          // inline-slots.ts). A lost CAS gives back a claimed slot and reads the entry again.
          if (Atomics.compareExchange(words, (cur + Node.VALUE) >> 2, old, target) !== old) {
            if (target !== 0 && target !== fresh) releaseSlot(words, target, claimedState);
            continue;
          }
          // Plain read: `old` is not reclaimed while we are pinned, and its class word never
          // changes. An out-of-line block is retired; an inline slot replaced by a value (not by
          // a delete: a dead node's slots go with the node) is stamped with the epoch loaded
          // after the CAS, so it is reused only once no reader can still hold it.
          if (words[old >> 2] !== INLINE_CLASS) epochs.retire(old);
          else if (target !== 0) this.#stamped(old);
          if (target === 0) {
            // A delete: mark the node (no insert after it any more), then unlink it.
            Atomics.or(words, (cur + Node.NEXT) >> 2, MARK);
            Atomics.sub(words, MapWord.COUNT, 1);
            table.find(start, soKey, scratch);
          }
          if (target === fresh) fresh = 0; // published; else still ours, freed below
          return true;
        }
        // Absent.
        if (addend !== null) next = this.#sumOf(0, addend);
        if (cas) {
          if (expected !== undefined) return false; // a value was expected
          if (next === undefined) return true; // absent, as expected
        } else if (next === undefined) {
          return false; // delete of an absent key
        }
        if (node === 0) {
          const slots = slotsAt(scratch.length);
          const capacity = slotCapacity(next.length);
          const inlineBytes = inlineNodeBytes(scratch.length, next.length, capacity);
          const together = inlineBytes <= MAX_BLOCK_BYTES;
          node = this.#allocPinned(together ? inlineBytes : Node.KEY + scratch.length);
          let repinned = this.#repinned;
          let value: number;
          if (together) {
            // Plain stores into the fresh node: published by link(). Slot A holds the value
            // (BUSY: current), slot B, if any, is FRESH.
            const a = node + slots;
            arena.words[a >> 2] = SLOT_BUSY;
            value = a + SLOT_VALUE;
            arena.words[value >> 2] = INLINE_CLASS;
            writeValue(arena, value, next);
            if (capacity !== 0) {
              const b = a + SLOT_HEADER + capacity;
              arena.words[b >> 2] = SLOT_FRESH;
              arena.words[(b + SLOT_VALUE) >> 2] = INLINE_CLASS;
            }
          } else {
            if (fresh === 0) {
              fresh = this.#allocPinned(Value.BYTES + next.length);
              repinned ||= this.#repinned;
              writeValue(arena, fresh, next);
            }
            value = fresh;
            nodeHoldsFresh = true;
          }
          const words = arena.words; // after the allocations: the node is inside the views
          words[(node + Node.SO_KEY) >> 2] = soKey; // plain: published by link()
          words[(node + Node.VALUE) >> 2] = value;
          words[(node + Node.SLOTS) >> 2] = together ? capacity : 0;
          scratch.writeInto(words, arena.bytes, node);
          if (repinned) continue; // unpinned meanwhile: prev and cur may be gone, search again
        }
        if (table.link(table.prev, table.cur, node)) {
          // Published with the node: not ours to free any more. Decided by what we linked, not
          // by reading the value word again: another thread may already have replaced (and
          // retired) the value, and freeing it here too would hand the block out twice.
          if (nodeHoldsFresh) fresh = 0;
          node = 0;
          table.counted();
          return true;
        }
      }
    } finally {
      epochs.unpinLater();
      // Never published: nobody else can have seen them, so they go straight back.
      if (fresh !== 0) arena.free(fresh);
      if (node !== 0) arena.free(node);
    }
  }

  /**
   * Stamps the inline slot of `value`, just replaced, with the global epoch (loaded now, after
   * the CAS). A stamp counts as a retirement: every 64 of them the epoch is moved on, as
   * `retire()` does, or slots would wait for it when no write goes out of line.
   */
  #stamped(value: number): void {
    retireSlot(this.#arena.words, value, this.epochs.epoch);
    if (++this.#stamps >= COLLECT_EVERY_STAMPS) {
      this.#stamps = 0;
      this.epochs.collect();
    }
  }

  /**
   * A block of `bytes` while pinned: from the free lists or the bump pointer; when the arena is
   * spent, unpins (a pin would hold back the very garbage it waits for), reclaims and backs off
   * in `#alloc()`, then pins again and sets `#repinned`: what the caller found before may be gone.
   */
  #allocPinned(bytes: number): number {
    const block = this.#arena.alloc(bytes);
    this.#repinned = block === 0;
    if (block !== 0) return block;
    this.epochs.unpin();
    try {
      return this.#alloc(bytes);
    } finally {
      this.epochs.pin();
    }
  }

  /**
   * A block of `bytes`: a free one, else a fresh one. When the arena is spent, collects and
   * retries for a bounded time (another thread may be preempted while pinned, holding back
   * garbage that is about to become free), then throws OUT_OF_MEMORY.
   */
  #alloc(bytes: number): number {
    const arena = this.#arena;
    const epochs = this.epochs;
    let block = 0;
    for (let attempt = 0; attempt <= RECLAIM_TRIES; attempt++) {
      block = arena.alloc(bytes);
      if (block !== 0) return block;
      // Budgeted backoff (0, 0.1, 0.2, 0.4 … ms; about 25 ms in all), then give up.
      if (attempt > 0) Atomics.wait(backoff, 0, 0, 0.1 * 2 ** (attempt - 1));
      epochs.collect();
      adoptOrphans(arena, epochs, ADOPT_WHEN_SPENT);
    }
    const { reservedBytes, limitBytes } = arena.usage();
    throw new CorelaneError(
      ErrorCode.OUT_OF_MEMORY,
      `the map's arena is spent (${reservedBytes + ARENA_START} of ${limitBytes} bytes reserved, none free for ` +
        `${bytes} bytes); nothing was changed. Create the map with a larger arenaBytes, or delete entries`,
    );
  }

  #sameBytes(value: number, expected: Uint8Array): boolean {
    const arena = this.#arena;
    if (value > arena.safeEnd) arena.refresh();
    const bytes = arena.bytes;
    const length = arena.words[(value + Value.LENGTH) >> 2] as number; // plain: immutable
    if (length !== expected.length) return false;
    const at = value + Value.BYTES;
    for (let i = 0; i < length; i++) if (bytes[at + i] !== expected[i]) return false;
    return true;
  }

  /** Copies up to 64 live entries after `position` (from the start when null) into `batch`. */
  #nextBatch(position: KeyScratch | null, batch: [MapKey, Uint8Array][]): void {
    const arena = this.#arena;
    const table = this.#table;
    const epochs = this.epochs;
    epochs.pin();
    try {
      let cur: number;
      if (position === null) {
        cur = Atomics.load(arena.words, (table.start(0, false) + Node.NEXT) >> 2) & ~MARK;
      } else {
        // Resume after `position`: from its bucket, skip everything up to and including it.
        const soKey = regularSoKey(position.hash);
        cur = Atomics.load(arena.words, (table.start(position.hash, false) + Node.NEXT) >> 2) & ~MARK;
        while (cur !== 0) {
          if (cur > arena.safeEnd) arena.refresh();
          const so = (arena.words[(cur + Node.SO_KEY) >> 2] as number) >>> 0;
          if (so > soKey || (so === soKey && position.compareNode(arena.words, arena.bytes, cur) > 0)) break;
          cur = Atomics.load(arena.words, (cur + Node.NEXT) >> 2) & ~MARK;
        }
      }
      while (cur !== 0 && batch.length < 64) {
        if (cur > arena.safeEnd) arena.refresh();
        const words = arena.words;
        const next = Atomics.load(words, (cur + Node.NEXT) >> 2); // SC load
        const so = (words[(cur + Node.SO_KEY) >> 2] as number) >>> 0;
        const value = (so & 1) !== 0 && (next & MARK) === 0 ? Atomics.load(words, (cur + Node.VALUE) >> 2) : 0;
        if (value !== 0) {
          if (value > arena.safeEnd) arena.refresh();
          const length = arena.words[(value + Value.LENGTH) >> 2] as number;
          const at = value + Value.BYTES;
          batch.push([readKey(this.handle.map, arena.words, cur), arena.bytes.slice(at, at + length)]);
        }
        cur = next & ~MARK;
      }
    } finally {
      epochs.unpin();
    }
  }
}

/** Fills the fresh (unpublished) value block at `block`: its length and bytes. */
function writeValue(arena: Arena, block: number, value: Uint8Array): void {
  arena.words[(block + Value.LENGTH) >> 2] = value.length; // plain: published by the CAS that links it
  arena.bytes.set(value, block + Value.BYTES);
}

/** A random non-zero int32 that ties a map buffer to its epoch buffer. */
function pairId(): number {
  const id = randomBytes(4).readInt32LE(0);
  return id === 0 ? 1 : id;
}

function readNumber(view: Uint8Array): number {
  if (view.length !== 8) {
    throw new CorelaneError(ErrorCode.INVALID_STATE, `the value is ${view.length} bytes, not a number's 8`);
  }
  return new DataView(view.buffer, view.byteOffset, 8).getFloat64(0, true);
}

function encodeNumber(value: number, name: string): Uint8Array {
  if (typeof value !== 'number') {
    throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, `${name} must be a number, got ${describe(value)}`);
  }
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setFloat64(0, value, true);
  return bytes;
}
