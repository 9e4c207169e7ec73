// The allocator every map block comes from: size classes (size-classes.ts), a lock-free free list
// per class (treiber.ts, tagged against ABA), and a bump pointer into a growable
// SharedArrayBuffer that grows, up to its maxByteLength, as the bump pointer needs.
import { ARENA_START, MapWord, MapWord64 } from './layout.js';
import { CLASS_BYTES, classOf } from './size-classes.js';
import { pop, push } from './treiber.js';

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

/** The views one thread keeps over a map buffer. Length-tracking: they follow the buffer as it grows. */
export class Arena {
  readonly buffer: SharedArrayBuffer;
  readonly words: Int32Array;
  readonly bytes: Uint8Array;
  readonly words64: BigInt64Array;
  readonly limit: number;

  constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.words = new Int32Array(buffer);
    this.bytes = new Uint8Array(buffer);
    this.words64 = new BigInt64Array(buffer);
    this.limit = buffer.maxByteLength;
  }

  /**
   * A block of at least `bytes` (1..MAX_BLOCK_BYTES) bytes, its first word set to its class:
   * from the class's free list, else (with `fresh`) from the bump pointer; 0 when there is none.
   */
  alloc(bytes: number, fresh = true): number {
    const cls = classOf(bytes);
    let offset = pop(this.words64, MapWord64.FREE_HEADS + cls, this.words);
    if (offset === 0 && fresh) offset = this.bump(CLASS_BYTES[cls] as number);
    // Plain store: the block is this thread's until it publishes it with an SC store or CAS.
    if (offset !== 0) this.words[offset >> 2] = cls;
    return offset;
  }

  /** Returns a block to its class's free list. Only for a block no other thread can still reach. */
  free(offset: number): void {
    // Plain load: the class word was written before the block was published, and never changes.
    push(this.words64, MapWord64.FREE_HEADS + (this.words[offset >> 2] as number), this.words, offset);
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
    for (let tries = 0; this.buffer.byteLength < end; tries++) {
      const length = this.buffer.byteLength;
      const wanted = Math.ceil(Math.max(end, length * 2, length + GROW_STEP_BYTES) / GROW_STEP_BYTES) * GROW_STEP_BYTES;
      try {
        this.buffer.grow(Math.min(this.limit, wanted)); // >= end, since end <= limit
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
