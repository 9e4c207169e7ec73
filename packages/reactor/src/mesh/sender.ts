import type { RouterKey } from '@corelane/router';
import { CorelaneError, ErrorCode } from '@corelane/shared';
import type { RingCodec } from '../codec/codec.js';
import { Field, frameType, Kind, writeU32 } from '../codec/frame.js';
import { KeyEncoder, KeyTag } from '../codec/key.js';
import type { BackpressurePolicy } from '../options.js';
import { type Outbound, Written } from './outbound.js';

/** String keys up to this many UTF-16 units are first tried as ASCII, written in place. */
const IN_PLACE_KEY = 256;

/**
 * Encodes messages and writes them to an endpoint's outbound rings, applying the backpressure
 * policy once a target's overflow queue holds `overflowLimit` records. Replies and control
 * records bypass the policy: they are never dropped or refused (a request already taken must
 * be answered). Both the main thread and the cores send through one of these.
 */
export class Sender {
  readonly outbound: (Outbound | null)[];
  readonly #codec: RingCodec;
  /** The codec lets int32 values travel as INT_VALUE frames. */
  readonly #ints: boolean;
  /** The last `#encode()` wrote an int32 into `#intBytes` (an INT_VALUE frame). */
  #int = false;
  readonly #intBytes = new Uint8Array(Field.INT_BYTES);
  readonly #policy: BackpressurePolicy;
  readonly #limit: number;
  /** `'block'`: called when a target is over the limit; returns once the message may be queued. */
  readonly #onFull: (out: Outbound) => void;
  /** Called after every write (schedules the flush when no loop turn will). */
  readonly #onWrite: () => void;
  readonly #keys = new KeyEncoder();
  /** The endpoint number of the main thread (for messages). */
  readonly #main: number;
  /** Messages the `'drop'` policy dropped. */
  dropped = 0;

  constructor(
    outbound: (Outbound | null)[],
    codec: RingCodec,
    policy: BackpressurePolicy,
    overflowLimit: number,
    onFull: (out: Outbound) => void,
    onWrite: () => void,
    main: number,
  ) {
    this.#main = main;
    this.outbound = outbound;
    this.#codec = codec;
    this.#ints = codec.ints;
    this.#policy = policy;
    this.#limit = overflowLimit;
    this.#onFull = onFull;
    this.#onWrite = onWrite;
  }

  /**
   * Encodes a value for a frame: `null` for undefined (which travels as a flag), an int32 as
   * its 4 bytes when the codec allows (`#int` then says so: the frame's INT_VALUE bit), else
   * the codec's bytes. The result is valid until the next call (the frame copies it at once).
   */
  #encode(value: unknown): Uint8Array | null {
    this.#int = false;
    if (value === undefined) return null;
    if (this.#ints && typeof value === 'number' && (value | 0) === value) {
      // msgpack decodes an int32 (and -0, which it writes as 0) to the same number.
      writeU32(this.#intBytes, 0, value);
      this.#int = true;
      return this.#intBytes;
    }
    return this.#codec.encode(value);
  }

  /**
   * Sends a SEND or REQUEST to `target` under the backpressure policy. Returns false when the
   * `'drop'` policy dropped it; throws `ERR_CORELANE_BACKPRESSURE` under `'error'`.
   */
  message(target: number, kind: number, id: number, key: RouterKey | undefined, value: unknown): boolean {
    const out = this.outbound[target] as Outbound;
    const bytes = this.#encode(value);
    const int = this.#int;
    // The overflow queue may grow up to the limit; past it (the ring full too) the policy applies.
    const mayQueue = out.overflowDepth < this.#limit || out.flush() < this.#limit;
    if (this.#write(out, kind, id, key, bytes, int, mayQueue) === Written.FULL) {
      if (this.#policy === 'drop') {
        this.dropped++;
        return false;
      }
      if (this.#policy === 'error') {
        throw new CorelaneError(
          ErrorCode.BACKPRESSURE,
          `the ring to ${target === this.#main ? 'the main thread' : `core ${target}`} and its overflow queue (${this.#limit} messages) are full`,
        );
      }
      // 'block': the main thread waits for room; a core queues past the limit and holds intake.
      this.#onFull(out);
      this.#write(out, kind, id, key, bytes, int, true);
    }
    this.#onWrite();
    return true;
  }

  /**
   * Writes one SEND or REQUEST frame to `out` (see `Outbound.write()`). A string key of up to
   * IN_PLACE_KEY units is first written straight into the record, one byte per unit, as it is
   * when ASCII (no encoding pass, no scratch copy); any other key, or a string that turns out
   * not to be ASCII, is encoded first.
   */
  #write(
    out: Outbound,
    kind: number,
    id: number,
    key: RouterKey | undefined,
    bytes: Uint8Array | null,
    int: boolean,
    mayQueue: boolean,
  ): number {
    if (key === undefined) {
      return out.write(
        kind,
        id,
        KeyTag.NONE,
        null,
        0,
        bytes,
        mayQueue,
        frameType(kind, KeyTag.NONE, bytes === null, int),
      );
    }
    if (typeof key === 'string' && key.length <= IN_PLACE_KEY) {
      const type = frameType(kind, KeyTag.STRING, bytes === null, int);
      const written = out.write(kind, id, KeyTag.STRING, key, key.length, bytes, mayQueue, type);
      if (written !== Written.NOT_ASCII) return written;
    }
    const keyLength = this.#keys.encode(key);
    const keyTag = this.#keys.tag;
    const type = frameType(kind, keyTag, bytes === null, int);
    return out.write(kind, id, keyTag, this.#keys.bytes, keyLength, bytes, mayQueue, type);
  }

  /**
   * Sends the reply `value` to `target`; never refused. A value the codec cannot encode is
   * answered as that error (`encodeError`).
   */
  reply(target: number, id: number, value: unknown, encodeError: (error: unknown) => Uint8Array): void {
    let bytes: Uint8Array | null;
    try {
      bytes = this.#encode(value);
    } catch (error) {
      this.replyError(target, id, encodeError(error));
      return;
    }
    const type = frameType(Kind.REPLY, KeyTag.NONE, bytes === null, this.#int);
    (this.outbound[target] as Outbound).write(Kind.REPLY, id, KeyTag.NONE, null, 0, bytes, true, type);
    this.#onWrite();
  }

  /** Sends an encoded error as the reply to request `id` of `target`; never refused. */
  replyError(target: number, id: number, bytes: Uint8Array): void {
    (this.outbound[target] as Outbound).write(Kind.ERROR, id, KeyTag.NONE, null, 0, bytes);
    this.#onWrite();
  }

  /** Sends a control record to `target`; never refused. */
  control(target: number, op: number, bytes: Uint8Array | null): void {
    (this.outbound[target] as Outbound).write(Kind.CONTROL, op, KeyTag.NONE, null, 0, bytes);
    this.#onWrite();
  }

  /** Flushes every outbound ring; returns the records still waiting in overflow queues. */
  flush(): number {
    let waiting = 0;
    for (const out of this.outbound) if (out !== null && (out.dirty || out.overflowDepth > 0)) waiting += out.flush();
    return waiting;
  }

  /** Records waiting in overflow queues (no flush). */
  get overflowDepth(): number {
    let n = 0;
    for (const out of this.outbound) if (out !== null) n += out.overflowDepth;
    return n;
  }

  /** True when some target's overflow queue is at or past the limit (and not empty). */
  get overLimit(): boolean {
    for (const out of this.outbound)
      if (out !== null && out.overflowDepth > 0 && out.overflowDepth >= this.#limit) return true;
    return false;
  }
}
