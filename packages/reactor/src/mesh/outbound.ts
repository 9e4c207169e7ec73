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

  constructor(producer: ByteRingProducer, target: number, bell: Doorbell) {
    this.producer = producer;
    this.target = target;
    this.#bell = bell;
  }

  /** Records waiting in the overflow queue. */
  get overflowDepth(): number {
    return this.#queue.length - this.#head;
  }

  /**
   * Writes one frame (its key is `key[0..keyLength)`): into the ring when it has room and nothing waits before it, else to the
   * overflow queue when `mayQueue`. Returns `Written.RING`, `Written.QUEUED`, or `Written.FULL`
   * (nothing written). Throws `ERR_CORELANE_RECORD_TOO_LARGE` (nothing written) when the frame
   * can never fit the ring.
   */
  write(
    kind: number,
    id: number,
    keyTag: number,
    key: Uint8Array | null,
    keyLength: number,
    value: Uint8Array | null,
    mayQueue = true,
  ): number {
    const length = frameLength(kind, keyTag, keyLength, value === null ? 0 : value.length);
    const type = frameType(kind, keyTag, value === null);
    const small = length <= SMALL_FRAME;
    if (this.#head === this.#queue.length) {
      if (small) {
        // Built in a reusable buffer of its exact length, then copied in by write(): a record
        // claimed in place would cost a fresh view whenever records of other lengths shifted
        // the ring's positions (spsc caches one view per position and length), that is, per
        // message for keys of varying length.
        const frame = smallFrame(length);
        writeFrame(frame, kind, id, keyTag, key, keyLength, value);
        this.dirty = true; // (when full, write() published what was pending: the target may need its doorbell)
        if (this.producer.write(frame, type)) {
          this.#written();
          return Written.RING;
        }
      } else {
        const view = this.producer.claim(length, type);
        this.dirty = true; // (when full, claim() published what was pending)
        if (view !== null) {
          writeFrame(view, kind, id, keyTag, key, keyLength, value);
          this.producer.commit();
          this.#written();
          return Written.RING;
        }
      }
    } else if (length > this.producer.maxRecordBytes) {
      this.producer.claim(length, type); // throws the ring's own RECORD_TOO_LARGE
    }
    if (!mayQueue) return Written.FULL;
    const copy = new Uint8Array(length);
    writeFrame(copy, kind, id, keyTag, key, keyLength, value); // (again: a small frame's buffer is reused)
    this.#queue.push(copy);
    this.#types.push(type);
    const depth = this.overflowDepth;
    if (depth > this.overflowMax) this.overflowMax = depth;
    return Written.QUEUED;
  }

  /**
   * After each record written into the ring: every `RING_EVERY` records, publish and ring the
   * target's doorbell, so that a parked target starts consuming while a long run of sends (one
   * task of the main thread) is still writing, instead of when the ring is full.
   */
  #written(): void {
    if (++this.#unrung >= RING_EVERY) this.flush();
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

/** Records between the publishes + doorbell checks within one run of writes (spsc's own publish batch). */
const RING_EVERY = 64;

/** Frames up to this many bytes are built in a reusable buffer (one per length, per thread) and copied into the ring. */
const SMALL_FRAME = 256;
const smallFrames: (Uint8Array | undefined)[] = new Array(SMALL_FRAME + 1);

/** The reusable buffer of exactly `length` bytes (valid until the next frame of that length is built). */
function smallFrame(length: number): Uint8Array {
  let frame = smallFrames[length];
  if (frame === undefined) {
    frame = new Uint8Array(length);
    smallFrames[length] = frame;
  }
  return frame;
}

/** What `Outbound.write()` did. */
export const Written = { RING: 0, QUEUED: 1, FULL: 2 } as const;
