// The allocator every map block comes from: size classes (size-classes.ts), a lock-free free list
// per class (treiber.ts, tagged against ABA), and a bump pointer into a growable
// SharedArrayBuffer that grows, up to its maxByteLength, as the bump pointer needs.
import { ARENA_START, MapWord, MapWord64 } from './layout.js';
import { CLASS_BYTES, CLASS_COUNT, classOf, MAX_BLOCK_BYTES } from './size-classes.js';
import { pop, push } from './treiber.js';

/** The most bytes of free blocks one thread keeps to itself (and at most 1/256 of the arena). */
const CACHE_LIMIT_BYTES = 64 * 1024;

/** The buffer grows by at least this much (and at least doubles), so grows stay rare. */
const GROW_STEP_BYTES = 64 * 1024;

/** What the arena holds now, in bytes. */
export interface ArenaUsage {
  /** Bytes handed out by the bump pointer so far (blocks in use plus blocks on free lists). */
  reservedBytes: number;
  /** The buffer's current length (it grows as `reservedBytes` needs). */
  bufferBytes: number;
  /** The most the buffer may grow to: the map's `arenaBytes`. */
  limitBytes: number;
}

/**
 * The views one thread keeps over a map buffer, and the allocator's operations.
 *
 * The views are fixed-length, not length-tracking: on a growable buffer V8 reads length-tracking
 * views about ten times slower (measured here: ~50 ns per element read instead of ~5). So a
 * thread's views may be shorter than the buffer another thread grew. Every offset a thread reads
 * from shared memory is checked against `safeEnd` before it is followed: past it, `refresh()`
 * makes new views over the buffer's current length. A block is published (SC store or CAS)
 * only after the buffer was grown to hold all of it, so a view refreshed after reading the
 * block's offset holds the whole block; and a block is at most MAX_BLOCK_BYTES (a bucket
 * segment may be longer, but its slots are checked one by one).
 */
export class Arena {
  readonly buffer: SharedArrayBuffer;
  words!: Int32Array;
  bytes!: Uint8Array;
  words64!: BigInt64Array;
  readonly limit: number;
  /** Offsets up to here can be followed with the current views (a whole block fits after them). */
  safeEnd = 0;
  #viewBytes = 0;
  /**
   * This thread's cache of free blocks, per class (thread-private, like a magazine in a slab
   * allocator): a block freed here is reused here without a 64-bit CAS (whose bigints cost
   * about ten times an int32 CAS in V8), up to `#cacheLimit` bytes; past it, blocks go to the
   * shared free lists. Flushed at close; lost (bounded by the limit) if the thread dies.
   */
  readonly #cache: number[][] = Array.from({ length: CLASS_COUNT }, () => []);
  #cacheBytes = 0;
  readonly #cacheLimit: number;

  constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.limit = buffer.maxByteLength;
    this.#cacheLimit = Math.min(CACHE_LIMIT_BYTES, Math.floor(this.limit / 256));
    this.refresh();
  }

  /**
   * Makes the views cover the buffer's current length, when it grew. Call it when an offset is
   * past `safeEnd`, then re-read `words`/`bytes`/`words64`.
   */
  refresh(): void {
    const length = this.buffer.byteLength; // SC read of a growable buffer's length
    if (length !== this.#viewBytes) {
      this.words = new Int32Array(this.buffer, 0, length >> 2);
      this.bytes = new Uint8Array(this.buffer, 0, length);
      this.words64 = new BigInt64Array(this.buffer, 0, length >> 3);
      this.#viewBytes = length;
    }
    this.safeEnd = length === this.limit ? Number.MAX_SAFE_INTEGER : length - MAX_BLOCK_BYTES;
  }

  /**
   * A block of at least `bytes` (1..MAX_BLOCK_BYTES) bytes, its first word set to its class:
   * from the class's free list, else (with `fresh`) from the bump pointer; 0 when there is none.
   */
  alloc(bytes: number, fresh = true): number {
    const cls = classOf(bytes);
    const cached = this.#cache[cls] as number[];
    if (cached.length > 0) {
      const block = cached.pop() as number;
      this.#cacheBytes -= CLASS_BYTES[cls] as number;
      return block; // its class word is already `cls`
    }
    let offset = pop(this, MapWord64.FREE_HEADS + cls);
    if (offset === 0 && fresh) offset = this.bump(CLASS_BYTES[cls] as number);
    // Plain store: the block is this thread's until it publishes it with an SC store or CAS.
    if (offset !== 0) this.words[offset >> 2] = cls;
    return offset;
  }

  /** Returns a block to its class's free list. Only for a block no other thread can still reach. */
  free(offset: number): void {
    if (offset > this.safeEnd) this.refresh();
    // Plain load: the class word was written before the block was published, and never changes.
    const cls = this.words[offset >> 2] as number;
    const size = CLASS_BYTES[cls] as number;
    if (this.#cacheBytes + size <= this.#cacheLimit) {
      (this.#cache[cls] as number[]).push(offset);
      this.#cacheBytes += size;
    } else {
      push(this, MapWord64.FREE_HEADS + cls, offset);
    }
  }

  /** Returns every block of this thread's cache to the shared free lists (at close). */
  flush(): void {
    for (let cls = 0; cls < CLASS_COUNT; cls++) {
      const cached = this.#cache[cls] as number[];
      while (cached.length > 0) push(this, MapWord64.FREE_HEADS + cls, cached.pop() as number);
    }
    this.#cacheBytes = 0;
  }

  /** `bytes` (a multiple of 16) from the bump pointer, never freed; 0 when the arena is spent. */
  bump(bytes: number): number {
    for (;;) {
      const top = Atomics.load(this.words, MapWord.TOP); // SC load
      const end = top + bytes;
      if (end > this.limit) return 0;
      // Proof obligation (racy edge: concurrent bumps): the CAS hands [top, end) to exactly one
      // thread; a loser re-reads TOP and tries past the winner's block.
      if (Atomics.compareExchange(this.words, MapWord.TOP, top, end) === top) {
        this.#cover(end);
        this.refresh();
        return top;
      }
    }
  }

  /**
   * Grows the buffer to at least `end` bytes. Several threads may grow at once: `grow()` throws a
   * RangeError when another thread already grew past the length asked, and the loop then sees the
   * longer buffer. The grow happens before the block is published (by an SC store or CAS), so a
   * thread that reaches the block through shared memory also sees a buffer that holds it.
   */
  #cover(end: number): void {
    // MAX_BLOCK_BYTES past the block (or up to the limit), so that `safeEnd` of a view refreshed
    // after this grow (its length less MAX_BLOCK_BYTES) lies past every block handed out so far:
    // a thread follows them without refreshing, however small the arena in use. (A grown length
    // only reserves address space; the pages cost memory once written.)
    const needed = Math.min(this.limit, end + MAX_BLOCK_BYTES);
    for (let tries = 0; this.buffer.byteLength < needed; tries++) {
      const length = this.buffer.byteLength;
      const wanted =
        Math.ceil(Math.max(needed, length * 2, length + GROW_STEP_BYTES) / GROW_STEP_BYTES) * GROW_STEP_BYTES;
      try {
        this.buffer.grow(Math.min(this.limit, wanted)); // >= needed, since needed <= limit
      } catch (error) {
        if (!(error instanceof RangeError) || tries > 64) throw error;
      }
    }
  }

  usage(): ArenaUsage {
    return {
      reservedBytes: Atomics.load(this.words, MapWord.TOP) - ARENA_START,
      bufferBytes: this.buffer.byteLength,
      limitBytes: this.limit,
    };
  }
}
