import {
  CorelaneError,
  CorelaneRangeError,
  CorelaneTypeError,
  copyBytesAt,
  dataViewOf,
  ErrorCode,
  requireInteger,
  ViewCache,
} from '@corelane/shared';
import {
  BYTE_RING,
  DATA_OFFSET,
  MAX_RECORD_TYPE,
  maxRecordBytes,
  PADDING_TYPE,
  RECORD_HEADER_BYTES,
  Word,
} from './layout.js';
import { RingSide, type SideOptions } from './side.js';

/** Bytes a record of `length` payload bytes occupies: header + payload, rounded up to 8. */
export function recordSize(length: number): number {
  return (RECORD_HEADER_BYTES + length + 7) & ~7;
}

/**
 * The writing end of a byte ring: variable-length records, each with a payload of 0 to
 * `maxRecordBytes` bytes and a type (an integer 0..2^31-1). Write a record in one call with
 * `write()`, or build it in place with `claim()` (a view of the payload) or `claimOffset()` (an
 * offset into `data`, allocating nothing) then `commit()` (or `abort()`).
 */
export class ByteRingProducer extends RingSide {
  /** The largest payload a record may have here: capacity / 2 - 8 bytes. */
  readonly maxRecordBytes: number;
  /**
   * The ring's whole data region, one view for the life of the side: `claimOffset()` returns
   * where in it the claimed payload goes (never across the end: a payload is contiguous).
   */
  readonly data: Uint8Array;
  readonly #views: ViewCache;
  /** `data` as a DataView: write()'s word stores (copyBytesAt). */
  readonly #view: DataView;
  #tail: number;
  #headCache: number;
  /** Bytes the open claim takes (padding included), or -1 when no claim is open. */
  #claimed = -1;

  /** Attaches to `buffer` (from `allocateByteRing()`) as its producer. */
  constructor(buffer: SharedArrayBuffer, options?: SideOptions) {
    super(buffer, BYTE_RING, 'producer', options, () => {});
    this.maxRecordBytes = maxRecordBytes(this.capacity);
    this.#views = new ViewCache(new Uint8Array(this.buffer, DATA_OFFSET, this.capacity));
    this.data = this.#views.bytes;
    this.#view = dataViewOf(this.data);
    this.#tail = Atomics.load(this.words, Word.TAIL);
    this.#headCache = Atomics.load(this.words, Word.HEAD);
  }

  #checkRecord(length: unknown, type: unknown): void {
    if (typeof length === 'number' && Number.isInteger(length) && length > this.maxRecordBytes) {
      throw new CorelaneRangeError(
        ErrorCode.RECORD_TOO_LARGE,
        `a record of ${length} bytes is larger than this ring's maximum of ${this.maxRecordBytes} bytes (capacity / 2 - 8)`,
      );
    }
    requireInteger('length', length, 0, this.maxRecordBytes);
    requireInteger('type', type, 0, MAX_RECORD_TYPE);
  }

  /** Bytes from `tail` that a record of `size` bytes needs (with the padding to the end when it does not fit there). */
  #needed(size: number): number {
    const toEnd = this.capacity - (this.#tail & this.mask);
    return size > toEnd ? toEnd + size : size;
  }

  #fits(needed: number): boolean {
    if (this.capacity - ((this.#tail - this.#headCache) | 0) >= needed) return true;
    this.#headCache = Atomics.load(this.words, Word.HEAD);
    return this.capacity - ((this.#tail - this.#headCache) | 0) >= needed;
  }

  /**
   * Reserves room for one record and writes its header (and a padding record when the ring's
   * end is too close). Returns the data position of the payload, or -1 when the ring is full.
   */
  #reserve(length: number, type: number): number {
    const size = recordSize(length);
    const needed = this.#needed(size);
    if (!this.#fits(needed)) {
      this.flush();
      return -1;
    }
    let at = this.#tail & this.mask;
    const words = this.words;
    if (needed !== size) {
      // Padding: fills the end of the ring; the consumer skips it to position 0.
      const w = (DATA_OFFSET + at) >> 2;
      words[w] = this.capacity - at - RECORD_HEADER_BYTES;
      words[w + 1] = PADDING_TYPE;
      at = 0;
    }
    const w = (DATA_OFFSET + at) >> 2;
    words[w] = length;
    words[w + 1] = type;
    this.#claimed = needed;
    return at + RECORD_HEADER_BYTES;
  }

  /**
   * Appends one record holding a copy of `bytes`; false when the ring has no room for it now.
   * Throws `ERR_CORELANE_RECORD_TOO_LARGE` (a RangeError) above `maxRecordBytes`.
   */
  write(bytes: Uint8Array, type = 0): boolean {
    if (this.gate !== 0) this.throwUnusable();
    if (!(bytes instanceof Uint8Array)) {
      throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, `bytes must be a Uint8Array, got ${typeof bytes}`);
    }
    this.#checkNoClaim();
    this.#checkRecord(bytes.length, type);
    const at = this.#reserve(bytes.length, type);
    if (at < 0) return false;
    copyBytesAt(this.#view, this.data, at, bytes);
    this.commit();
    return true;
  }

  /**
   * Reserves a record of `length` bytes and returns a view of its payload to fill in place,
   * or `null` when the ring has no room now. Nothing is visible to the consumer until
   * `commit()`; `abort()` gives the room back. One claim may be open at a time.
   */
  claim(length: number, type = 0): Uint8Array | null {
    const at = this.claimOffset(length, type);
    return at < 0 ? null : this.#views.at(at, at + length);
  }

  /**
   * `claim()` without a view: reserves a record of `length` bytes and returns the offset in
   * `data` where its payload goes (`data[offset]` … `data[offset + length - 1]`), or -1 when the
   * ring has no room now. Allocates nothing, whatever the lengths (Agrona's `tryClaim`). Then
   * `commit()` or `abort()`, as after `claim()`.
   */
  claimOffset(length: number, type = 0): number {
    this.throwIfUnusable();
    this.#checkNoClaim();
    // The common case in two tests per argument: for a number, `x >>> 0 === x` holds exactly
    // for the integers 0..2^32-1 (not for NaN, fractions or negatives), and the bounds do the
    // rest. The typeof comes first: `>>>` throws the engine's own TypeError for a bigint or a
    // symbol. Anything else takes the full check, which throws the error it deserves.
    if (
      !(
        typeof length === 'number' &&
        length >>> 0 === length &&
        length <= this.maxRecordBytes &&
        typeof type === 'number' &&
        type >>> 0 === type &&
        type <= MAX_RECORD_TYPE
      )
    ) {
      this.#checkRecord(length, type);
    }
    return this.#reserve(length, type);
  }

  #checkNoClaim(): void {
    if (this.#claimed >= 0) {
      throw new CorelaneError(ErrorCode.INVALID_STATE, 'a claimed record is still open: commit() or abort() it first');
    }
  }

  /** No claim is open: `ERR_CORELANE_CLOSED` once closed (close() aborted the claim), else `INVALID_STATE`. */
  #throwNoClaim(what: 'commit' | 'abort'): never {
    if (this.closed) this.throwUnusable();
    throw new CorelaneError(ErrorCode.INVALID_STATE, `${what}() without an open claim()`);
  }

  /** Appends the claimed record (published like any write). */
  commit(): void {
    if (this.#claimed < 0) this.#throwNoClaim('commit');
    this.#tail = (this.#tail + this.#claimed) | 0;
    this.#claimed = -1;
    if (this.countPending()) this.publish(this.#tail);
  }

  /** Drops the claimed record: nothing of it is ever seen by the consumer. */
  abort(): void {
    if (this.#claimed < 0) this.#throwNoClaim('abort');
    this.#claimed = -1;
  }

  /** Publishes every committed record now. */
  flush(): void {
    if (this.pending !== 0) this.publish(this.#tail);
  }

  /** True when a record of `length` bytes fits now (re-reads the consumer's head when needed). */
  canWrite(length = 0): boolean {
    return this.#fits(this.#needed(recordSize(length)));
  }

  #checkLength(length: unknown): number {
    return requireInteger('length', length ?? 0, 0, this.maxRecordBytes);
  }

  /** Blocks until a record of `length` bytes fits (true), or `timeoutMs` passes or the consumer closes (false). */
  waitWritable(timeoutMs?: number, length = 0): boolean {
    const n = this.#checkLength(length);
    return this.waitSync(() => this.canWrite(n), timeoutMs);
  }

  /** Resolves true once a record of `length` bytes fits, false on timeout or when the consumer closes. */
  writable(timeoutMs?: number, length = 0): Promise<boolean> {
    const n = this.#checkLength(length);
    return this.waitAsync(() => this.canWrite(n), timeoutMs);
  }

  /** Closes this side; an open claim is aborted first. */
  override close(): void {
    this.#claimed = -1;
    super.close();
  }
}
