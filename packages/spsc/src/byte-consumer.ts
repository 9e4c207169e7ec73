import { CorelaneError, CorelaneTypeError, ErrorCode, ViewCache } from '@corelane/shared';
import { recordSize } from './byte-producer.js';
import { BYTE_RING, DATA_OFFSET, maxRecordBytes, PADDING_TYPE, RECORD_HEADER_BYTES, Word } from './layout.js';
import { requireMax } from './ring-consumer.js';
import { Gate, RingSide, type SideOptions } from './side.js';

function corruptRecord(at: number, length: number, type: number): CorelaneError {
  return new CorelaneError(
    ErrorCode.BAD_RING,
    `corrupt byte ring: the record at data offset ${at} (length ${length}, type ${type}) is not a record a producer writes`,
  );
}

/** Called with each record: a view of its payload, valid only during the call, and its type. */
export type RecordHandler = (bytes: Uint8Array, type: number) => void;

/**
 * Called with each record as a place in the consumer's `data`: the payload is
 * `data[offset]` … `data[offset + length - 1]`, valid only during the call, then its type.
 */
export type RecordOffsetHandler = (offset: number, length: number, type: number) => void;

/**
 * The reading end of a byte ring. `read()` hands each record to a handler as a view into the
 * ring itself (no copy), `readOffsets()` as an offset into `data` (no view either), and both
 * give the space back with one index store per call.
 */
export class ByteRingConsumer extends RingSide {
  /** The largest payload a record may have in this ring. */
  readonly maxRecordBytes: number;
  /** The ring's whole data region, one view for the life of the side: what `readOffsets()` offsets index. */
  readonly data: Uint8Array;
  readonly #views: ViewCache;
  #head: number;

  /** Attaches to `buffer` (from `allocateByteRing()`) as its consumer. */
  constructor(buffer: SharedArrayBuffer, options?: SideOptions) {
    super(buffer, BYTE_RING, 'consumer', options, () => {});
    this.maxRecordBytes = maxRecordBytes(this.capacity);
    this.#views = new ViewCache(new Uint8Array(this.buffer, DATA_OFFSET, this.capacity));
    this.data = this.#views.bytes;
    this.#head = Atomics.load(this.words, Word.HEAD);
  }

  /** Bytes of records (with headers and padding) ready to read. */
  get availableBytes(): number {
    return (Atomics.load(this.words, Word.TAIL) - this.#head) | 0;
  }

  /**
   * Calls `handler(bytes, type)` for each ready record, in order, up to `max` records, and
   * returns how many. `bytes` is a view into the ring, valid only until the handler returns:
   * copy what must outlive it. If `handler` throws, the records before it, and the one it threw
   * on, count as read. A record header that ends past the producer's tail (memory written by
   * something else than a producer of this ring) throws `ERR_CORELANE_BAD_RING`.
   *
   * While `handler` runs, `read()` and the waits of this consumer throw
   * `ERR_CORELANE_INVALID_STATE` (re-entrant read): the records of this call are not handed back
   * yet, so a nested read would see them again. `close()` inside `handler` is allowed: no further
   * record is handed out, and the role is released once the records read so far are published.
   */
  read(handler: RecordHandler, max?: number): number {
    return this.#read(handler, max, false);
  }

  /**
   * `read()` without views: calls `handler(offset, length, type)` for each ready record, the
   * payload being `data[offset]` … `data[offset + length - 1]` (contiguous, valid only until the
   * handler returns). Allocates nothing, whatever the lengths. The rest is as `read()`.
   */
  readOffsets(handler: RecordOffsetHandler, max?: number): number {
    return this.#read(handler, max, true);
  }

  #read(handler: RecordHandler | RecordOffsetHandler, max: number | undefined, offsets: boolean): number {
    this.throwIfUnusable();
    if (typeof handler !== 'function') {
      throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, `handler must be a function, got ${typeof handler}`);
    }
    const limit = requireMax(max);
    const words = this.words;
    const mask = this.mask;
    const views = this.#views;
    const maxBytes = this.maxRecordBytes;
    const tail = Atomics.load(words, Word.TAIL);
    let head = this.#head;
    let done = 0;
    this.beginRead();
    try {
      while (done < limit && head !== tail) {
        const at = head & mask;
        const w = (DATA_OFFSET + at) >> 2;
        const length = words[w] as number;
        const type = words[w + 1] as number;
        const padding = type === PADDING_TYPE;
        // A header no producer writes (a length out of range, a record ending past the tail):
        // stop with an error instead of walking garbage (head would never meet tail again).
        if (!padding && length >>> 0 > maxBytes) throw corruptRecord(at, length, type);
        const next = (head + (padding ? this.capacity - at : recordSize(length))) | 0;
        if (((tail - next) | 0) < 0) throw corruptRecord(at, length, type);
        head = next;
        if (padding) continue;
        done++;
        if (offsets) (handler as RecordOffsetHandler)(at + RECORD_HEADER_BYTES, length, type);
        else (handler as RecordHandler)(views.at(at + RECORD_HEADER_BYTES, at + RECORD_HEADER_BYTES + length), type);
        if (this.gate !== Gate.READING) break; // close() inside the handler: hand out nothing more
      }
    } finally {
      if (head !== this.#head) {
        this.#head = head;
        this.publish(head);
      }
      this.endRead();
    }
    return done;
  }

  /** Nothing to do: `read()` hands space back at the end of each call. */
  flush(): void {}

  /** Blocks until a record is ready (true), or `timeoutMs` passes or the producer closed with the ring empty (false). */
  waitReadable(timeoutMs?: number): boolean {
    return this.waitSync(() => this.availableBytes > 0, timeoutMs);
  }

  /** Resolves true once a record is ready, false on timeout or when the producer closed with the ring empty. */
  readable(timeoutMs?: number): Promise<boolean> {
    return this.waitAsync(() => this.availableBytes > 0, timeoutMs);
  }
}
