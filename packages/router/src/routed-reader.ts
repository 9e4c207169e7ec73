// The consumer's side of a Router: reads routed records where they lie in the ring, with no
// allocation per record. spsc's readOffsets() hands (offset, length, type) of each record in the
// ring's one data view; this reader checks the record (routed-record.ts) and fills one reused
// RoutedRecordView with the offsets of its key and payload:
//
//   data (the ring's data view, one for the life of the consumer)
//   … ┬──────────────┬──────────────────────┬─────────────────────────────┬ …
//     │ K (u32 LE)   │ key                  │ payload                     │
//     └──────────────┴──────────────────────┴─────────────────────────────┘
//     offset         keyOffset              payloadOffset                 offset + length
//                    (+ keyLength bytes)    (+ payloadLength bytes)
//
// The ring's memory ordering is spsc's: readOffsets() loads the producer's tail (acquire, one
// seq-cst load per call) before it hands out records, and publishes the head after the handler
// loop (one seq-cst store per call), so every byte a view points at is the producer's and stays
// put until the handler returns.
import { CorelaneError, CorelaneTypeError, ErrorCode, requireOptions } from '@corelane/shared';
import { ByteRingConsumer, type SideOptions } from '@corelane/spsc';
import { decodeKeyAt, ROUTED_HEADER_BYTES, type RoutedRecordType, routedKeyLength } from './routed-record.js';

/**
 * One routed record in place, as {@link RoutedReader.read} hands it: where its key and payload
 * lie in `data`, the ring's data view. The reader hands the same object for every record (a
 * flyweight, as Agrona's `DirectBuffer` + offset): read it inside the handler, never keep it.
 * `key()` and `payload()` allocate (a view, a string) and only when called.
 */
export interface RoutedRecordView {
  /** The ring's whole data region (the consumer's `data`): the same view for every record. */
  readonly data: Uint8Array;
  /** The key kind, one of `RoutedRecordType`. */
  readonly type: RoutedRecordType;
  /** Where the key's bytes start in `data` (a string's UTF-8, an integer's 8 LE bytes). */
  readonly keyOffset: number;
  /** How many bytes the key takes (8 for an integer key). */
  readonly keyLength: number;
  /** Where the payload starts in `data`: `keyOffset + keyLength`. */
  readonly payloadOffset: number;
  /** How many bytes the payload takes. */
  readonly payloadLength: number;
  /**
   * The key, decoded as `decodeRoutedRecord()` decodes it: a view into the ring for a
   * `Uint8Array` key (valid only during the handler), a string, a number or a bigint.
   */
  key(): Uint8Array | string | number | bigint;
  /** A view of the payload into the ring, valid only during the handler (allocates the view). */
  payload(): Uint8Array;
}

/** The part of a `ByteRingConsumer` the reader uses (checked by shape, so a second copy of @corelane/spsc works too). */
export type SourceConsumer = Pick<
  ByteRingConsumer,
  'readOffsets' | 'data' | 'waitReadable' | 'readable' | 'close' | 'closed' | 'peerClosed' | 'availableBytes'
>;

function isConsumer(value: unknown): value is SourceConsumer {
  if (value instanceof ByteRingConsumer) return true;
  const c = value as Partial<Record<keyof SourceConsumer, unknown>> | null;
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof c.readOffsets === 'function' &&
    c.data instanceof Uint8Array &&
    typeof c.waitReadable === 'function' &&
    typeof c.readable === 'function' &&
    typeof c.close === 'function'
  );
}

/**
 * The `napMs` of a consumer the reader attaches (see spsc's `SideOptions.napMs`). A Router
 * publishes to each target every 64 records, tens of µs apart in a busy stream: a consumer that
 * sleeps announced between them costs the Router one `Atomics.notify` per publish (measured on
 * the 2-vCPU bench machine: ~620 wakes per 40,000 records, ~25% of the producer's time), one that
 * naps up to 0.5 ms costs it none (~12 per 40,000) and sees a record at most one nap (~50-100 µs)
 * late.
 */
const READER_NAP_MS = 0.5;

/** Called with each routed record, in place (the same view object every time). */
export type RoutedRecordHandler = (record: RoutedRecordView) => void;

/** The one RoutedRecordView of a reader, whose fields it sets before each handler call. */
class RecordCursor implements RoutedRecordView {
  readonly data: Uint8Array;
  type: RoutedRecordType = 0x5254_0001;
  keyOffset = 0;
  keyLength = 0;
  payloadOffset = 0;
  payloadLength = 0;

  constructor(data: Uint8Array) {
    this.data = data;
  }

  key(): Uint8Array | string | number | bigint {
    return decodeKeyAt(this.data, this.keyOffset, this.keyLength, this.type);
  }

  payload(): Uint8Array {
    return this.data.subarray(this.payloadOffset, this.payloadOffset + this.payloadLength);
  }
}

/**
 * Reads the records a {@link Router} wrote into one byte ring, in place: `read(handler)` calls
 * `handler(record)` for each ready record with one reused {@link RoutedRecordView} of offsets
 * into the ring's data view — no allocation per record, whatever the key and payload sizes.
 *
 * @example
 * const reader = new RoutedReader(ring); // a SharedArrayBuffer from allocateByteRing()
 * while (reader.waitReadable(1000)) {
 *   reader.read((r) => {
 *     const firstPayloadByte = r.data[r.payloadOffset];
 *   });
 * }
 * reader.close();
 */
export class RoutedReader {
  /** The ring's consumer this reader reads through (attached here, or handed in). */
  readonly consumer: SourceConsumer;
  readonly #owned: boolean;
  readonly #cursor: RecordCursor;
  /** The handler of the read() in progress (spsc forbids nested reads of one consumer). */
  #handler: RoutedRecordHandler | null = null;

  /**
   * @param source - a byte ring's `SharedArrayBuffer` (the reader attaches as its consumer, with
   *   `options`, and `close()` closes it) or a `ByteRingConsumer` (stays the caller's).
   * @param options - the consumer's `SideOptions`. `napMs` defaults to 0.5 here, not 0: a
   *   `waitReadable()` naps up to half a millisecond before it sleeps announced, so a steady
   *   stream costs the Router no wake (a system call) per publish; pass `napMs: 0` for the
   *   lowest latency to a record that follows a pause.
   * @throws `TypeError` `ERR_CORELANE_INVALID_ARGUMENT` for another `source`, or options with a
   *   consumer handed in; the ring's own errors (`ERR_CORELANE_BAD_RING`,
   *   `ERR_CORELANE_ROLE_TAKEN`) when attaching fails.
   */
  constructor(source: SharedArrayBuffer | SourceConsumer, options?: SideOptions) {
    if (isConsumer(source)) {
      if (options !== undefined) {
        throw new CorelaneTypeError(
          ErrorCode.INVALID_ARGUMENT,
          'options apply to a ring the reader attaches to, not to a ByteRingConsumer handed in',
        );
      }
      this.consumer = source;
      this.#owned = false;
    } else if (source instanceof SharedArrayBuffer) {
      const opts = requireOptions('options', options);
      this.consumer = new ByteRingConsumer(source, { ...opts, napMs: opts.napMs ?? READER_NAP_MS });
      this.#owned = true;
    } else {
      throw new CorelaneTypeError(
        ErrorCode.INVALID_ARGUMENT,
        'source must be a SharedArrayBuffer from allocateByteRing() or a ByteRingConsumer',
      );
    }
    this.#cursor = new RecordCursor(this.consumer.data);
  }

  /** Fills the cursor for one record (checked first) and calls the handler with it. */
  readonly #onRecord = (offset: number, length: number, type: number): void => {
    const keyLength = routedKeyLength(this.#cursor.data, offset, length, type);
    const cursor = this.#cursor;
    cursor.type = type as RoutedRecordType;
    cursor.keyOffset = offset + ROUTED_HEADER_BYTES;
    cursor.keyLength = keyLength;
    cursor.payloadOffset = offset + ROUTED_HEADER_BYTES + keyLength;
    cursor.payloadLength = length - ROUTED_HEADER_BYTES - keyLength;
    (this.#handler as RoutedRecordHandler)(cursor);
  };

  /**
   * Calls `handler(record)` for each ready record, in order, up to `max` (default: all ready),
   * and returns how many; the ring's space is handed back once, at the end of the call. `record`
   * is the same object every time, valid only until the handler returns.
   *
   * @throws `TypeError` `ERR_CORELANE_INVALID_ARGUMENT` when `handler` is not a function, and the
   *   consumer's errors (`ERR_CORELANE_CLOSED`; `ERR_CORELANE_INVALID_STATE` for a read from
   *   inside a handler) — all before any record is read. `RangeError` `ERR_CORELANE_OUT_OF_RANGE`
   *   when a record is not a routed record (another writer shares the ring): the records before
   *   it were handed out, and it counts as read. An error the handler throws propagates the same
   *   way.
   */
  read(handler: RoutedRecordHandler, max?: number): number {
    if (typeof handler !== 'function') {
      throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, `handler must be a function, got ${typeof handler}`);
    }
    if (this.#handler !== null) {
      // Checked here, not only by the consumer: the handler of the read in progress must stay.
      throw new CorelaneError(
        ErrorCode.INVALID_STATE,
        're-entrant read: this RoutedReader is inside a read() handler; read again after it returns',
      );
    }
    this.#handler = handler;
    try {
      return this.consumer.readOffsets(this.#onRecord, max);
    } finally {
      this.#handler = null;
    }
  }

  /** Blocks until a record is ready (true), or `timeoutMs` passes or the router closed the ring and it is empty (false). */
  waitReadable(timeoutMs?: number): boolean {
    return this.consumer.waitReadable(timeoutMs);
  }

  /** Resolves true once a record is ready, false on timeout or when the router closed the ring and it is empty. */
  readable(timeoutMs?: number): Promise<boolean> {
    return this.consumer.readable(timeoutMs);
  }

  /** Closes the consumer if this reader attached it (a consumer handed in stays open). Idempotent. */
  close(): void {
    if (this.#owned) this.consumer.close();
  }
}
