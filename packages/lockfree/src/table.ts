// The split-ordered list (Shalev & Shavit): one lock-free sorted linked list (Michael's, with a
// mark bit in `next`) holding every entry, ordered by the bit-reversed hash, and a bucket array
// of shortcuts into it (dummy nodes). Doubling the buckets moves nothing: a new bucket's dummy is
// inserted into the list between its parent's entries when it is first used. No global lock:
// every change is one CAS, and a bucket that cannot be set up (arena spent) is reached through
// its parent's dummy instead.
import type { Arena } from './arena.js';
import { dummySoKey, parentBucket, regularSoKey } from './bits.js';
import type { EpochDomain } from './epoch-domain.js';
import type { KeyScratch } from './key.js';
import { ARENA_START, MARK, MapWord, Node } from './layout.js';

/**
 * A bucket is its dummy node, inline in its segment: reaching a bucket is one cache miss, not
 * two. A dummy is never freed or marked, and has no value: its `value` word says whether it is
 * linked into the list yet. Only three of a dummy's words are ever read (`next`, `soKey`,
 * `value`), so a bucket is those 12 bytes and its dummy's address is 4 bytes before them: the
 * dummy's `class` word overlaps the previous bucket's state (or, for a segment's first bucket,
 * the last word before the segment), and is never read, as a dummy is never a block. 12 bytes
 * instead of 16: the bucket array is a quarter smaller, and more of it stays in the caches
 * (layout version 3).
 *
 * ```
 * segment base  +0         +4         +8         +12        +16        +20   …
 *               ┌──────────┬──────────┬──────────┬──────────┬──────────┬──────────┬── …
 *               │ next     │ soKey    │ state    │ next     │ soKey    │ state    │
 *               └──────────┴──────────┴──────────┴──────────┴──────────┴──────────┴── …
 *   dummy of bucket 0 = base - 4 (its +4, +8, +12), of bucket 1 = base + 8, of bucket i = base + 12 i - 4
 * ```
 */
export const BUCKET_BYTES = 12;

/** The address (as a node) of the dummy of the `index`-th bucket of the segment at `base`. */
export function dummyOf(base: number, index: number): number {
  return base + index * BUCKET_BYTES - Node.NEXT;
}

/** States of a bucket (its dummy's `value` word). */
const Bucket = { UNLINKED: 0, LINKING: 1, LINKED: 2 } as const;

/** A bucket whose dummy is in the list. */
export const BUCKET_LINKED = Bucket.LINKED;

/** A directory slot being filled by one thread: the others treat the segment as absent. */
const SEGMENT_CLAIMED = -1;

/** The average entries per bucket before the buckets double. */
const LOAD_FACTOR = 2;

export class Table {
  readonly arena: Arena;
  readonly epochs: EpochDomain;
  /** log2 of segment 0's buckets (header `capacity`). */
  readonly log2Seg0: number;
  readonly maxLog2: number;
  /** Where `find()` stopped: the last node before the key, and the first node at or after it. */
  prev = 0;
  cur = 0;

  constructor(arena: Arena, epochs: EpochDomain, log2Seg0: number, maxLog2: number) {
    this.arena = arena;
    this.epochs = epochs;
    this.log2Seg0 = log2Seg0;
    this.maxLog2 = maxLog2;
  }

  /** The dummy node to search `hash` from; with `init`, sets up the key's bucket when it is new. */
  start(hash: number, init: boolean): number {
    const log2 = Atomics.load(this.arena.words, MapWord.BUCKETS_LOG2); // SC load; only grows
    const bucket = hash & ((1 << log2) - 1);
    const dummy = this.#bucketDummy(bucket);
    if (dummy !== 0) return dummy;
    return init ? this.#initBucket(bucket) : this.#ancestor(bucket);
  }

  /** `lookup(start(key.hash, false), …)`: the value block of the live entry for `key`, or 0. */
  lookupKey(key: KeyScratch): number {
    const words = this.arena.words;
    const hash = key.hash;
    // Plain load (an Atomics call costs several plain loads). Proof obligation (racy edge: the
    // buckets doubling meanwhile): BUCKETS_LOG2 only grows, so a stale value is a smaller one,
    // whose bucket is an ancestor of the key's; an ancestor's dummy comes before every node of
    // its descendants in the list, so the search from it finds what the key's own bucket would.
    const dummy = this.#linkedInSegment0(hash & ((1 << (words[MapWord.BUCKETS_LOG2] as number)) - 1));
    return this.lookup(dummy !== 0 ? dummy : this.start(hash, false), regularSoKey(hash), key);
  }

  /** `start(hash, init)`, with a linked bucket of segment 0 (nearly every one) reached straight. */
  startKey(hash: number, init: boolean): number {
    const log2 = Atomics.load(this.arena.words, MapWord.BUCKETS_LOG2); // SC load; only grows
    const dummy = this.#linkedInSegment0(hash & ((1 << log2) - 1));
    return dummy !== 0 ? dummy : this.start(hash, init);
  }

  /**
   * The dummy of `bucket` when it is in segment 0 and linked, else 0. Segment 0 is the arena's
   * first block (create() bumps it first, attach() checks it) and lies inside every view (no
   * buffer is ever shorter than it): neither the directory nor `safeEnd` is read.
   */
  #linkedInSegment0(bucket: number): number {
    if (bucket >= 1 << this.log2Seg0) return 0;
    const dummy = dummyOf(ARENA_START, bucket);
    // SC load of the state: pairs with the store of LINKED in #initBucket, after the link CAS.
    return Atomics.load(this.arena.words, (dummy + Node.VALUE) >> 2) === Bucket.LINKED ? dummy : 0;
  }

  /**
   * Reader's search (no writes): the value block of the live entry for `key`, or 0. Walks from
   * `start` over marked nodes without unlinking them.
   */
  lookup(start: number, soKey: number, key: KeyScratch): number {
    const arena = this.arena;
    // SC loads of `next`: pair with the CAS that published each node, so its immutable fields
    // (soKey, keyMeta, key bytes) read plainly below are the ones written before it.
    let cur = Atomics.load(arena.words, (start + Node.NEXT) >> 2) & ~MARK;
    while (cur !== 0) {
      if (cur > arena.safeEnd) arena.refresh();
      const words = arena.words;
      const so = (words[(cur + Node.SO_KEY) >> 2] as number) >>> 0;
      if (so > soKey) return 0;
      if (so === soKey) {
        const order = key.compareNode(words, arena.bytes, cur);
        // Proof obligation (racy edge: a delete of this node in flight): its value word is the
        // linearization point of every change to the entry; 0 means deleted, and then no live
        // node for the key was reachable at some instant of this search (a new one is only
        // inserted once this one is unlinked), so "absent" is a correct answer.
        if (order === 0) return Atomics.load(words, (cur + Node.VALUE) >> 2);
        if (order > 0) return 0;
      }
      cur = Atomics.load(words, (cur + Node.NEXT) >> 2) & ~MARK;
    }
    return 0;
  }

  /**
   * Writer's search from `start` for the regular node of `key` (split-order key `soKey`), or for
   * the dummy with split-order key `soKey` when `key` is null. Unlinks (and retires) marked nodes
   * on the way and marks dead ones. Leaves `prev` (unmarked when read) and `cur` (the first node
   * at or after the key, or 0); returns whether `cur` is the key's node.
   */
  find(start: number, soKey: number, key: KeyScratch | null): boolean {
    const arena = this.arena;
    retry: for (;;) {
      let prev = start; // a dummy: never marked, never unlinked
      let cur = Atomics.load(arena.words, (prev + Node.NEXT) >> 2) & ~MARK; // SC load
      for (;;) {
        if (cur === 0) {
          this.prev = prev;
          this.cur = 0;
          return false;
        }
        if (cur > arena.safeEnd) arena.refresh();
        const words = arena.words;
        const succ = Atomics.load(words, (cur + Node.NEXT) >> 2); // SC load
        if ((succ & MARK) !== 0) {
          // Proof obligation (racy edge: several threads unlinking, or inserting after prev):
          // the CAS succeeds only while prev is unmarked and still points at cur, so exactly one
          // thread unlinks cur and retires it; anyone else starts over from the bucket.
          if (Atomics.compareExchange(words, (prev + Node.NEXT) >> 2, cur, succ & ~MARK) !== cur) continue retry;
          this.epochs.retire(cur);
          cur = succ & ~MARK;
          continue;
        }
        const so = (words[(cur + Node.SO_KEY) >> 2] as number) >>> 0; // plain: immutable
        // A regular node whose value is 0 was deleted: mark it (idempotent; its deleter does the
        // same) and come back to unlink it. SC: after the mark no insert after it succeeds.
        if ((so & 1) !== 0 && Atomics.load(words, (cur + Node.VALUE) >> 2) === 0) {
          Atomics.or(words, (cur + Node.NEXT) >> 2, MARK);
          continue;
        }
        let order = so === soKey ? 0 : so > soKey ? 1 : -1;
        if (order === 0 && key !== null) order = key.compareNode(words, arena.bytes, cur);
        if (order >= 0) {
          this.prev = prev;
          this.cur = cur;
          return order === 0;
        }
        prev = cur;
        cur = succ;
      }
    }
  }

  /**
   * Links the fresh node `node` between `prev` and `cur` (from `find()`). Its `next` is written
   * here; its other fields must be written already.
   */
  link(prev: number, cur: number, node: number): boolean {
    const words = this.arena.words; // prev was followed and node allocated: both inside the views
    Atomics.store(words, (node + Node.NEXT) >> 2, cur);
    // Proof obligation (racy edge: concurrent inserts, deletes of prev): the CAS succeeds only
    // while prev is unmarked (a mark sits in this very word) and still points at cur: nothing
    // was inserted in between, so the order holds and the key is still absent. The SC CAS also
    // publishes every plain write into `node` to whoever loads the new link.
    return Atomics.compareExchange(words, (prev + Node.NEXT) >> 2, cur, node) === cur;
  }

  /** After an insert: counts it, and doubles the buckets when the load factor is passed. */
  counted(): void {
    const words = this.arena.words;
    const count = Atomics.add(words, MapWord.COUNT, 1) + 1; // SC add
    const log2 = Atomics.load(words, MapWord.BUCKETS_LOG2);
    if (count > LOAD_FACTOR << log2 && log2 < this.maxLog2) {
      // Racy edge: several threads may try; one CAS wins, the others see the larger table.
      Atomics.compareExchange(words, MapWord.BUCKETS_LOG2, log2, log2 + 1);
    }
  }

  /** Address of bucket `bucket`'s inline dummy (see {@link dummyOf}), or -1 when its segment is not set up. */
  #dummyAt(bucket: number, init: boolean): number {
    const words = this.arena.words; // the directory is in the control area, always inside
    let segment: number;
    let index: number;
    if (bucket < 1 << this.log2Seg0) {
      segment = 0;
      index = bucket;
    } else {
      const high = 31 - Math.clz32(bucket);
      segment = high - this.log2Seg0 + 1;
      index = bucket - (1 << high);
    }
    let base = Atomics.load(words, MapWord.DIRECTORY + segment); // SC load: pairs with the store below
    if (base <= 0 && init && base !== SEGMENT_CLAIMED) base = this.#addSegment(segment);
    if (base <= 0) return -1;
    const dummy = dummyOf(base, index);
    if (dummy > this.arena.safeEnd) this.arena.refresh();
    return dummy;
  }

  /** Allocates segment `segment` (its buckets all zero, unlinked: fresh bump memory); its base, or 0. */
  #addSegment(segment: number): number {
    const words = this.arena.words;
    const slot = MapWord.DIRECTORY + segment;
    // Proof obligation (racy edge: two threads adding one segment): the CAS lets one allocate;
    // the other falls back to a parent bucket meanwhile, so nobody waits and nothing leaks.
    if (Atomics.compareExchange(words, slot, 0, SEGMENT_CLAIMED) !== 0) return 0;
    const base = this.arena.bump(segmentBytes(this.log2Seg0, segment));
    Atomics.store(words, slot, base); // SC: 0 again (retry later) when the arena is spent
    return base;
  }

  /** Bucket `bucket`'s dummy when it is linked into the list, else 0. */
  #bucketDummy(bucket: number): number {
    const dummy = this.#dummyAt(bucket, false);
    if (dummy < 0) return 0;
    // SC load: pairs with the store of LINKED in #initBucket, after the dummy's link CAS.
    return Atomics.load(this.arena.words, (dummy + Node.VALUE) >> 2) === Bucket.LINKED ? dummy : 0;
  }

  /** The dummy of the nearest set-up ancestor of `bucket` (bucket 0's always is). */
  #ancestor(bucket: number): number {
    let b = bucket;
    for (;;) {
      b = parentBucket(b);
      const dummy = this.#bucketDummy(b);
      if (dummy !== 0 || b === 0) return dummy;
    }
  }

  /**
   * Links `bucket`'s dummy (and its missing ancestors') into the list and returns it; returns an
   * ancestor's dummy instead when the segment cannot be allocated or another thread is linking
   * this one (nobody waits for it).
   */
  #initBucket(bucket: number): number {
    const parent = parentBucket(bucket);
    const parentDummy = this.#bucketDummy(parent) || this.#initBucket(parent);
    const dummy = this.#dummyAt(bucket, true);
    if (dummy < 0) return parentDummy;
    const state = (dummy + Node.VALUE) >> 2;
    // Proof obligation (racy edge: two threads setting up one bucket): the CAS lets exactly one
    // link this dummy (linking it twice would corrupt the list); the others go on through the
    // parent's dummy, which reaches every node of this bucket too.
    const seen = Atomics.compareExchange(this.arena.words, state, Bucket.UNLINKED, Bucket.LINKING);
    if (seen !== Bucket.UNLINKED) return seen === Bucket.LINKED ? dummy : parentDummy;
    const soKey = dummySoKey(bucket);
    this.arena.words[(dummy + Node.SO_KEY) >> 2] = soKey; // plain: published by link()
    // No other dummy has this split-order key (only the claimer links one), so find() stops
    // before the first node past it; were the dummy found (it cannot be), it is linked already.
    while (!this.find(parentDummy, soKey, null) && !this.link(this.prev, this.cur, dummy));
    Atomics.store(this.arena.words, state, Bucket.LINKED); // SC: after the link CAS
    return dummy;
  }
}

/** Bytes of segment `segment` of a table whose segment 0 holds 2^log2Seg0 buckets (a multiple of 16, as every block). */
export function segmentBytes(log2Seg0: number, segment: number): number {
  const buckets = segment === 0 ? 2 ** log2Seg0 : 2 ** (log2Seg0 + segment - 1);
  return Math.ceil((BUCKET_BYTES * buckets) / 16) * 16;
}
