import { CorelaneTypeError, ErrorCode, requireInteger } from '@corelane/shared';
import { DATA_OFFSET, type ElementType, SLOT_RING, Word } from './layout.js';
import { Gate, RingSide, type SideOptions } from './side.js';
import {
  arrayClassOf,
  checkElementType,
  type SlotArray,
  type SlotArrayOf,
  type SlotValueOf,
  slotArray,
} from './slot-data.js';

/** Options of `new RingConsumer()`. */
export interface RingConsumerOptions<T extends ElementType = ElementType> extends SideOptions {
  /** Throw `ERR_CORELANE_BAD_RING` unless the ring holds this element type (and type the values by it). */
  type?: T;
}

/** Checks the `max` argument of `drain`/`read`: a count, or Infinity for everything available. */
export function requireMax(max: unknown): number {
  if (max === undefined || max === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
  return requireInteger('max', max, 0, Number.MAX_SAFE_INTEGER);
}

/**
 * The reading end of a slot ring. One per ring at a time. Slots it has read are handed back to
 * the producer once per `drain()`/`popMany()`, and for `pop()` after `publishEvery` values, when
 * the ring looks empty, or in a microtask. `T` types the values as for `RingProducer`.
 */
export class RingConsumer<T extends ElementType = ElementType> extends RingSide {
  /** The ring's element type. */
  readonly type: T;
  readonly #data: SlotArray;
  #head: number;
  /** The producer's tail as last read: re-read only when it says the ring is empty. */
  #tailCache: number;
  /** Int32 word (of `words`) where slot 0 starts, and log2 of the words per slot: see `#warmNext`. */
  readonly #slotWord0: number;
  readonly #slotWordShift: number;
  /** A bit folded from what `#warmNext` reads, so the JIT keeps the read. Means nothing. */
  #warmed = 0;
  /** The last new tail brought exactly one value: values come one at a time, so warm the next slot. */
  #oneByOne = true;

  /** Attaches to `buffer` (from `allocateRing()`) as its consumer. */
  constructor(buffer: SharedArrayBuffer, options?: RingConsumerOptions<T>) {
    let type: ElementType = 'int32';
    super(buffer, SLOT_RING, 'consumer', options, (fields) => {
      type = checkElementType(fields, options?.type);
    });
    this.type = type as T;
    this.#data = slotArray(this.buffer, type, this.capacity);
    this.#slotWord0 = DATA_OFFSET >> 2;
    this.#slotWordShift = type === 'int32' ? 0 : 1; // 8-byte slots: two words each
    this.#head = Atomics.load(this.words, Word.HEAD);
    this.#tailCache = Atomics.load(this.words, Word.TAIL);
  }

  /** Values ready to read, re-reading the producer's tail. */
  get available(): number {
    this.#tailCache = Atomics.load(this.words, Word.TAIL);
    return (this.#tailCache - this.#head) | 0;
  }

  /**
   * Values ready to read, up to `wanted`: from the cached tail when it already covers `wanted`,
   * else re-reading the producer's tail (one load of its cache line, only when it can help).
   */
  #readable(wanted: number): number {
    const cached = (this.#tailCache - this.#head) | 0;
    return Math.min(wanted, cached >= wanted ? cached : this.available);
  }

  /** The next value, or `undefined` when the ring is empty. */
  pop(): SlotValueOf<T> | undefined {
    if (this.gate !== 0) this.throwUnusable();
    const head = this.#head;
    if (head === this.#tailCache) {
      const tail = Atomics.load(this.words, Word.TAIL);
      if (head === tail) {
        if (this.#oneByOne) this.#warmNext(head);
        this.flush();
        return undefined;
      }
      this.#tailCache = tail;
      this.#oneByOne = ((tail - head) | 0) === 1;
    }
    const value = this.#data[head & this.mask] as SlotValueOf<T>;
    const next = (head + 1) | 0;
    this.#head = next;
    if (this.countPending()) this.publish(next);
    return value;
  }

  /**
   * Reads (and drops) the first word of the slot the next value will land in, on every empty
   * `pop()` while values come one at a time: a consumer that polls keeps that slot's cache line
   * fresh, so when the producer's tail arrives the value is already here instead of costing a
   * second cache miss after it (measured: up to ~15 % off a ping-pong round trip between two
   * cores that share no cache; no change where they share one). Only one at a time: a producer
   * that publishes batches writes many values into that line first, and each read would take the
   * line from it mid-batch.
   *
   * Proof obligation (a racy read that decides nothing): the producer may be writing this slot
   * right now, so the read is a data race; in the JS memory model a racy read of an aligned Int32
   * element returns some value and has no other effect. Its result only goes into `#warmed`,
   * which nothing else reads: no value handed out, and no decision, depends on it. The value `pop()`
   * returns is read after the seq-cst load of the tail that covers the slot (the acquire edge).
   * It reads through the Int32 `words` view (one bit kept), never the slot's own type: a
   * bigint64 or float64 read would allocate per poll.
   */
  #warmNext(head: number): void {
    const word = this.words[this.#slotWord0 + ((head & this.mask) << this.#slotWordShift)] as number;
    this.#warmed = (this.#warmed + word) & 1;
  }

  /** Copies up to `target.length` values into `target` (a typed array of the ring's type); returns how many. */
  popMany(target: SlotArrayOf<T>): number {
    this.throwIfUnusable();
    const Typed = arrayClassOf(this.type);
    if (!(target instanceof Typed)) {
      throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, `target must be a ${Typed.name}`);
    }
    const head = this.#head;
    const count = this.#readable(target.length);
    if (count === 0) {
      this.flush();
      return 0;
    }
    // biome-ignore lint/suspicious/noExplicitAny: same typed-array class, checked above.
    const out = target as any;
    const data = this.#data;
    const mask = this.mask;
    if (this.type === 'bigint64') {
      // bigints: a loop would allocate one per value; set() copies the raw 8 bytes
      const at = head & mask;
      const first = Math.min(count, this.capacity - at);
      out.set(data.subarray(at, at + first), 0);
      if (count > first) out.set(data.subarray(0, count - first), first);
    } else {
      // A plain loop: V8 copies out of shared memory no faster with set() (word by word,
      // relaxed), and the loop needs no subarray view per call. (A loop split at the wrap, without
      // the mask, measured faster alone but slower between two threads: kept the masked one.)
      for (let i = 0; i < count; i++) out[i] = data[(head + i) & mask];
    }
    this.#head = (head + count) | 0;
    this.publish(this.#head);
    return count;
  }

  /**
   * Calls `handler` with each available value, in order, up to `max`; hands the slots back
   * with one index store at the end. Returns how many values were handled. If `handler` throws,
   * the values before it, and the one it threw on, count as read.
   *
   * While `handler` runs, `pop()`, `popMany()`, `drain()` and the waits of this consumer throw
   * `ERR_CORELANE_INVALID_STATE` (re-entrant read): the values of this call are not handed back
   * yet, so a nested read would see them again. `close()` inside `handler` is allowed: no further
   * value is handed out, and the role is released once the values handled so far are published.
   */
  drain(handler: (value: SlotValueOf<T>) => void, max?: number): number {
    this.throwIfUnusable();
    if (typeof handler !== 'function') {
      throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, `handler must be a function, got ${typeof handler}`);
    }
    const limit = this.#readable(requireMax(max));
    const data = this.#data;
    const mask = this.mask;
    let head = this.#head;
    let done = 0;
    this.beginRead();
    try {
      while (done < limit) {
        const value = data[head & mask] as SlotValueOf<T>;
        head = (head + 1) | 0;
        done++;
        handler(value);
        if (this.gate !== Gate.READING) break; // close() inside the handler: hand out nothing more
      }
    } finally {
      this.#head = head;
      if (done > 0) this.publish(head);
      else this.flush();
      this.endRead();
    }
    return done;
  }

  /** Hands every slot read so far back to the producer now. */
  flush(): void {
    if (this.pending !== 0) this.publish(this.#head);
  }

  /** Blocks this thread until a value is ready (true), or `timeoutMs` passes or the producer closed with the ring empty (false). */
  waitReadable(timeoutMs?: number): boolean {
    return this.waitSync(() => this.available > 0, timeoutMs);
  }

  /** Resolves true once a value is ready, false on timeout or when the producer closed with the ring empty. Never blocks the thread. */
  readable(timeoutMs?: number): Promise<boolean> {
    return this.waitAsync(() => this.available > 0, timeoutMs);
  }
}
