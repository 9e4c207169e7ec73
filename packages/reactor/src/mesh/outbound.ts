import type { ByteRingProducer } from '@corelane/spsc';
import { frameLength, frameType, writeFrame } from '../codec/frame.js';
import type { Doorbell } from './doorbell.js';

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
  #queue: Uint8Array[] = [];
  #types: number[] = [];
  #head = 0;
  /** The most records the overflow queue held at once. */
  overflowMax = 0;
  /** Records written into the ring since the last `flush()`. */
  #unrung = 0;
  /** Something was written since the last `flush()`: the target may need its doorbell rung. */
  dirty = false;
  /** The ring's data region: frames are written here at the offsets `claimOffset()` returns. */
  readonly #data: Uint8Array;

  constructor(producer: ByteRingProducer, target: number, bell: Doorbell) {
    this.producer = producer;
    this.#data = producer.data;
    this.target = target;
    this.#bell = bell;
  }

  /** Records waiting in the overflow queue. */
  get overflowDepth(): number {
    return this.#queue.length - this.#head;
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
    if (this.#head === this.#queue.length) {
      // In place: an offset into the ring's one data view (no view per record, whatever the
      // lengths); claimOffset() throws the ring's own RECORD_TOO_LARGE.
      const at = this.producer.claimOffset(length, type);
      this.dirty = true; // (when full, claimOffset() published what was pending: the target may need its doorbell)
      if (at >= 0) {
        if (!writeFrame(this.#data, at, kind, id, keyTag, key, keyLength, value)) {
          this.producer.abort();
          return Written.NOT_ASCII;
        }
        this.producer.commit();
        if (++this.#unrung >= RING_EVERY) this.flush();
        return Written.RING;
      }
    } else if (length > this.producer.maxRecordBytes) {
      this.producer.claimOffset(length, type); // throws the ring's own RECORD_TOO_LARGE
    }
    if (!mayQueue) return Written.FULL;
    const copy = new Uint8Array(length);
    if (!writeFrame(copy, 0, kind, id, keyTag, key, keyLength, value)) return Written.NOT_ASCII;
    this.#queue.push(copy);
    this.#types.push(type);
    const depth = this.overflowDepth;
    if (depth > this.overflowMax) this.overflowMax = depth;
    return Written.QUEUED;
  }

  /**
   * Moves what the overflow queue holds into the ring while it fits, publishes the ring and
   * rings the target's doorbell when it parks. Returns the records still queued.
   */
  flush(): number {
    this.#unrung = 0;
    if (this.#head !== this.#queue.length) this.#drainQueue();
    if (this.dirty) {
      this.dirty = false;
      this.producer.flush();
      // After the publish (a seq-cst store inside flush()): see Doorbell for the proof.
      this.#bell.ring();
    }
    return this.#queue.length - this.#head;
  }

  #drainQueue(): void {
    const queue = this.#queue;
    const types = this.#types;
    let head = this.#head;
    while (head < queue.length && this.producer.write(queue[head] as Uint8Array, types[head] as number)) {
      queue[head] = EMPTY;
      head++;
      this.dirty = true;
    }
    if (head === queue.length) {
      this.#queue = [];
      this.#types = [];
      head = 0;
    } else if (head > 1024 && head * 2 > queue.length) {
      this.#queue = queue.slice(head);
      this.#types = types.slice(head);
      head = 0;
    }
    this.#head = head;
  }

  /** Drops the overflow queue (the target is gone for good); returns how many records it held. */
  discard(): number {
    const n = this.overflowDepth;
    this.#queue = [];
    this.#types = [];
    this.#head = 0;
    return n;
  }
}

const EMPTY = new Uint8Array(0);

/**
 * Records between the publishes + doorbell checks within one run of writes (spsc's own publish
 * batch): a parked target starts consuming while a long run of sends (one task of the main
 * thread) is still writing, instead of when the ring is full.
 */
const RING_EVERY = 64;

/** What `Outbound.write()` did. */
export const Written = { RING: 0, QUEUED: 1, FULL: 2, NOT_ASCII: 3 } as const;
