import { CorelaneTypeError, ErrorCode } from '@corelane/shared';
import { type ElementType, SLOT_RING, Word } from './layout.js';
import { RingSide, type SideOptions } from './side.js';
import {
  arrayClassOf,
  checkElementType,
  checkSlotValue,
  type SlotArray,
  type SlotArrayOf,
  type SlotValue,
  type SlotValueOf,
  slotArray,
} from './slot-data.js';

/** Options of `new RingProducer()`. */
export interface RingProducerOptions<T extends ElementType = ElementType> extends SideOptions {
  /** Throw `ERR_CORELANE_BAD_RING` unless the ring holds this element type (and type the values by it). */
  type?: T;
}

/**
 * The writing end of a slot ring. One per ring at a time (the role is claimed in the header).
 * Pushed values become visible to the consumer at `flush()`, after `publishEvery` values, and at
 * the latest in a microtask at the end of the current task.
 *
 * `T` types the values: `new RingProducer(buffer, { type: 'bigint64' })` is a
 * `RingProducer<'bigint64'>`, whose `push()` takes a `bigint`; `'int32'` and `'float64'` take a
 * `number`. Without `type` it takes either (and checks at run time against the ring's type).
 */
export class RingProducer<T extends ElementType = ElementType> extends RingSide {
  /** The ring's element type. */
  readonly type: T;
  readonly #data: SlotArray;
  readonly #int32: boolean;
  #tail: number;
  /** The consumer's head as last read: re-read only when it says the ring is full. */
  #headCache: number;

  /** Attaches to `buffer` (from `allocateRing()`) as its producer. */
  constructor(buffer: SharedArrayBuffer, options?: RingProducerOptions<T>) {
    let type: ElementType = 'int32';
    super(buffer, SLOT_RING, 'producer', options, (fields) => {
      type = checkElementType(fields, options?.type);
    });
    this.type = type as T;
    this.#int32 = type === 'int32';
    this.#data = slotArray(this.buffer, type, this.capacity);
    this.#tail = Atomics.load(this.words, Word.TAIL);
    this.#headCache = Atomics.load(this.words, Word.HEAD);
  }

  /** Free slots, re-reading the consumer's head. */
  get free(): number {
    this.#headCache = Atomics.load(this.words, Word.HEAD);
    return this.capacity - ((this.#tail - this.#headCache) | 0);
  }

  /** Appends `value`; false when the ring is full (nothing is written then). */
  push(value: SlotValueOf<T>): boolean {
    if (this.gate !== 0) this.throwUnusable();
    // int32 (the common case) is checked inline; other types, and any value that fails, take the call.
    if (!this.#int32 || typeof value !== 'number' || (value | 0) !== value) checkSlotValue(this.type, value);
    const tail = this.#tail;
    if (((tail - this.#headCache) | 0) === this.capacity) {
      this.#headCache = Atomics.load(this.words, Word.HEAD);
      if (((tail - this.#headCache) | 0) === this.capacity) {
        this.flush();
        return false;
      }
    }
    this.#data[tail & this.mask] = value;
    const next = (tail + 1) | 0;
    this.#tail = next;
    if (this.countPending()) this.publish(next);
    return true;
  }

  /**
   * Appends as many values of `source` as fit, in order, and publishes them at once (one index
   * store). Returns how many were written. `source` is a typed array of the ring's type or an
   * array of values.
   */
  pushMany(source: SlotArrayOf<T> | ArrayLike<SlotValueOf<T>>): number {
    this.throwIfUnusable();
    const Typed = arrayClassOf(this.type);
    const typed = source instanceof Typed;
    if (!typed && !Array.isArray(source)) {
      throw new CorelaneTypeError(
        ErrorCode.INVALID_ARGUMENT,
        `source must be a ${Typed.name} or an array of values, got ${source === null ? 'null' : typeof source}`,
      );
    }
    if (!typed) for (let i = 0; i < source.length; i++) checkSlotValue(this.type, (source as ArrayLike<SlotValue>)[i]);
    const tail = this.#tail;
    let free = this.capacity - ((tail - this.#headCache) | 0);
    if (free < source.length) {
      this.#headCache = Atomics.load(this.words, Word.HEAD);
      free = this.capacity - ((tail - this.#headCache) | 0);
    }
    const count = Math.min(free, source.length);
    if (count === 0) {
      // Full, as push() sees it: publish what earlier push() calls left pending, or a loop that
      // retries without flush() (autoFlush off) would wait for values the consumer cannot see.
      this.flush();
      return 0;
    }
    const at = tail & this.mask;
    const first = Math.min(count, this.capacity - at);
    if (typed) {
      const src = source as unknown as SlotArray;
      // biome-ignore lint/suspicious/noExplicitAny: same typed-array class, checked above.
      const data = this.#data as any;
      if (first === src.length)
        data.set(src, at); // the common case: all of it, no wrap, no view
      else {
        data.set(src.subarray(0, first), at);
        if (count > first) data.set(src.subarray(first, count), 0);
      }
    } else {
      const values = source as ArrayLike<SlotValue>;
      for (let i = 0; i < count; i++) this.#data[(tail + i) & this.mask] = values[i] as never;
    }
    this.#tail = (tail + count) | 0;
    this.publish(this.#tail);
    return count;
  }

  /** Publishes every pushed value now. */
  flush(): void {
    if (this.pending !== 0) this.publish(this.#tail);
  }

  /** Blocks this thread until a slot is free (true), or `timeoutMs` passes or the consumer closes (false). */
  waitWritable(timeoutMs?: number): boolean {
    return this.waitSync(() => this.free > 0, timeoutMs);
  }

  /** Resolves true once a slot is free, false on timeout or when the consumer closes. Never blocks the thread. */
  writable(timeoutMs?: number): Promise<boolean> {
    return this.waitAsync(() => this.free > 0, timeoutMs);
  }
}
