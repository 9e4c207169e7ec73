import { copyRangeAt, dataViewOf, littleEndianWordsOf } from '@corelane/shared';
import type { ByteRingProducer } from '@corelane/spsc';
import { frameLength, frameType, writeFrame } from '../codec/frame.js';
import type { Doorbell } from './doorbell.js';
import { OverflowQueue } from './overflow-queue.js';

/**
 * One outbound ring of an endpoint (to one target) and its overflow queue.
 *
 * A record goes straight into the ring (claimed and written in place) while the ring has room
 * and nothing waits in the overflow queue; otherwise it is copied to the end of the overflow
 * queue, which `flush()` moves into the ring as room appears. Order is kept: once one record
 * waits, every later one waits behind it. Nothing here blocks; the caller applies the
 * backpressure policy from `overflowDepth` before writing.
 */
export class Outbound {
  readonly producer: ByteRingProducer;
  /** The endpoint this ring goes to. */
  readonly target: number;
  readonly #bell: Doorbell;
  readonly #queue = new OverflowQueue();
  /** The most records the overflow queue held at once. */
  overflowMax = 0;
  /** Bytes written into the ring since the last `flush()`. */
  #unrung = 0;
  /** `#unrung` at which a run of writes publishes and checks the doorbell (see RING_FRACTION). */
  readonly #ringAt: number;
  /** Something was written since the last `flush()`: the target may need its doorbell rung. */
  dirty = false;
  /** The ring's data region: frames are written here at the offsets `claimOffset()` returns. */
  readonly #data: Uint8Array;
  /** `#data` as int32s, for `writeFrame()`'s 4-byte stores (null on a big-endian machine). */
  readonly #words: Int32Array | null;
  /** `#data` as a DataView, for the copies of keys, values and queued frames (copyRangeAt). */
  readonly #view: DataView;

  constructor(producer: ByteRingProducer, target: number, bell: Doorbell) {
    this.producer = producer;
    this.#data = producer.data;
    const data = producer.data;
    // The data region starts 8-aligned in the ring's buffer (spsc's layout), and so does every record.
    this.#words = littleEndianWordsOf(data);
    this.#view = dataViewOf(data);
    this.#ringAt = producer.capacity / RING_FRACTION;
    this.target = target;
    this.#bell = bell;
  }

  /** Records waiting in the overflow queue. */
  get overflowDepth(): number {
    return this.#queue.count;
  }

  /**
   * Writes one frame (its key is `key[0..keyLength)`; `type` from `frameType()`): into the
   * ring, claimed and written in place, when it has room and nothing waits before it; else a
   * copy to the overflow queue when `mayQueue`. Returns `Written.RING`, `Written.QUEUED`, or
   * `Written.FULL` (nothing written), or `Written.NOT_ASCII` (nothing written) when `key` is
   * a string that is not ASCII (see `writeFrame()`: encode it and write again). Throws
   * `ERR_CORELANE_RECORD_TOO_LARGE` (nothing written) when the frame can never fit the ring.
   */
  write(
    kind: number,
    id: number,
    keyTag: number,
    key: Uint8Array | string | null,
    keyLength: number,
    value: Uint8Array | null,
    mayQueue = true,
    type = frameType(kind, keyTag, value === null),
  ): number {
    const length = frameLength(kind, keyTag, keyLength, value === null ? 0 : value.length);
    if (this.#queue.count === 0) {
      // In place: an offset into the ring's one data view (no view per record, whatever the
      // lengths); claimOffset() throws the ring's own RECORD_TOO_LARGE.
      const at = this.producer.claimOffset(length, type);
      this.dirty = true; // (when full, claimOffset() published what was pending: the target may need its doorbell)
      if (at >= 0) {
        if (!writeFrame(this.#data, this.#view, at, kind, id, keyTag, key, keyLength, value, this.#words)) {
          this.producer.abort();
          return Written.NOT_ASCII;
        }
        this.producer.commit();
        this.#unrung += (length + 15) & ~7; // the ring bytes the record took: 8-byte header + payload, 8-aligned
        if (this.#unrung >= this.#ringAt) this.flush();
        return Written.RING;
      }
    } else if (length > this.producer.maxRecordBytes) {
      this.producer.claimOffset(length, type); // throws the ring's own RECORD_TOO_LARGE
    }
    if (!mayQueue) return Written.FULL;
    const queue = this.#queue;
    const at = queue.reserve(length); // (first: it may replace queue.bytes)
    if (!writeFrame(queue.bytes, queue.view, at, kind, id, keyTag, key, keyLength, value)) return Written.NOT_ASCII;
    queue.push(type, length);
    const depth = queue.count;
    if (depth > this.overflowMax) this.overflowMax = depth;
    return Written.QUEUED;
  }

  /**
   * Moves what the overflow queue holds into the ring while it fits, publishes the ring and
   * rings the target's doorbell when it parks. Returns the records still queued.
   */
  flush(): number {
    this.#unrung = 0;
    if (this.#queue.count > 0) this.#drainQueue();
    if (this.dirty) {
      this.dirty = false;
      this.producer.flush();
      // After the publish (a seq-cst store inside flush()): see Doorbell for the proof.
      this.#bell.ring();
    }
    return this.#queue.count;
  }

  #drainQueue(): void {
    const queue = this.#queue;
    const data = this.#data;
    while (queue.count > 0) {
      const length = queue.length;
      const at = this.producer.claimOffset(length, queue.type);
      if (at < 0) break; // (claimOffset() published what was pending)
      const bytes = queue.bytes;
      const from = queue.payload;
      copyRangeAt(this.#view, data, at, bytes, from, length);
      this.producer.commit();
      queue.shift();
      this.dirty = true;
    }
  }

  /** Drops the overflow queue (the target is gone for good); returns how many records it held. */
  discard(): number {
    const n = this.#queue.count;
    this.#queue.clear();
    return n;
  }
}

/**
 * Within one long run of writes (one task of the main thread sending millions), the doorbell is
 * checked each time another 1/RING_FRACTION of the ring's bytes was written: a parked target
 * starts consuming while the run is still writing, instead of when the ring is full, and wakes
 * with a batch big enough to pay for its wake-up. (spsc publishes the tail every 64 records on
 * its own, so a target that is awake sees them sooner.) Once every 64 records, the old rule,
 * cost each 2-core send run one futex wake per 64 records while the cores slept between
 * batches: 1/8 of a 256 KiB ring measured 1.1-1.2x the sends per second on 2 vCPUs.
 */
const RING_FRACTION = 8;

/** What `Outbound.write()` did. */
export const Written = { RING: 0, QUEUED: 1, FULL: 2, NOT_ASCII: 3 } as const;
