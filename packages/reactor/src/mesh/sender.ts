import type { RouterKey } from '@corelane/router';
import { CorelaneError, ErrorCode } from '@corelane/shared';
import type { Codec } from '../codec/codec.js';
import { Kind } from '../codec/frame.js';
import { KeyEncoder, KeyTag } from '../codec/key.js';
import type { BackpressurePolicy } from '../options.js';
import { type Outbound, Written } from './outbound.js';

/**
 * Encodes messages and writes them to an endpoint's outbound rings, applying the backpressure
 * policy once a target's overflow queue holds `overflowLimit` records. Replies and control
 * records bypass the policy: they are never dropped or refused (a request already taken must
 * be answered). Both the main thread and the cores send through one of these.
 */
export class Sender {
  readonly outbound: (Outbound | null)[];
  readonly #codec: Codec;
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
    codec: Codec,
    policy: BackpressurePolicy,
    overflowLimit: number,
    onFull: (out: Outbound) => void,
    onWrite: () => void,
    main: number,
  ) {
    this.#main = main;
    this.outbound = outbound;
    this.#codec = codec;
    this.#policy = policy;
    this.#limit = overflowLimit;
    this.#onFull = onFull;
    this.#onWrite = onWrite;
  }

  /** Encodes a value (`null` for undefined, which travels as a flag). */
  encode(value: unknown): Uint8Array | null {
    return value === undefined ? null : this.#codec.encode(value);
  }

  /**
   * Sends a SEND or REQUEST to `target` under the backpressure policy. Returns false when the
   * `'drop'` policy dropped it; throws `ERR_CORELANE_BACKPRESSURE` under `'error'`.
   */
  message(target: number, kind: number, id: number, key: RouterKey | undefined, value: unknown): boolean {
    const out = this.outbound[target] as Outbound;
    const bytes = this.encode(value);
    let keyTag: number = KeyTag.NONE;
    let keyBytes: Uint8Array | null = null;
    let keyLength = 0;
    if (key !== undefined) {
      keyLength = this.#keys.encode(key);
      keyBytes = this.#keys.bytes;
      keyTag = this.#keys.tag;
    }
    // The overflow queue may grow up to the limit; past it (the ring full too) the policy applies.
    const mayQueue = out.overflowDepth < this.#limit || out.flush() < this.#limit;
    if (out.write(kind, id, keyTag, keyBytes, keyLength, bytes, mayQueue) === Written.FULL) {
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
      out.write(kind, id, keyTag, keyBytes, keyLength, bytes, true);
    }
    this.#onWrite();
    return true;
  }

  /** Sends a reply (value, or an encoded error) to `target`; never refused. */
  reply(target: number, id: number, ok: boolean, bytes: Uint8Array | null): void {
    (this.outbound[target] as Outbound).write(ok ? Kind.REPLY : Kind.ERROR, id, KeyTag.NONE, null, 0, bytes);
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
