import {
  CorelaneError,
  deprecated,
  ErrorCode,
  optionalBoolean,
  requireInteger,
  requireOneOf,
  requireOptions,
} from '@corelane/shared';
import { publishEveryOption } from './attach.js';
import { capabilities } from './capabilities.js';
import { MAX_RECORD_TYPE, maxRecordBytes, RingKind } from './layout.js';
import { addon } from './native.js';
import { validateAnyRing } from './release-role.js';
import type { RingRole } from './side.js';

/** What a native ring thread does: the C++ twin writing or checking a known sequence. */
export interface NativeThreadOptions {
  /** Which end of the ring the native thread takes. */
  role: RingRole;
  /** How many items (values or records) to produce or consume, 1..2^31-1. */
  count: number;
  /** Publish every `publishEvery` items (default 64). */
  publishEvery?: number;
  /** @deprecated Use `publishEvery` (`CORELANE_DEP0004`). */
  batch?: number;
  /**
   * Take turns with the peer, one item at a time (default false): a producer writes the next
   * item only once the consumer has taken every item and sleeps; a consumer takes one item per
   * read and sleeps as soon as the ring is empty. Every item then costs one sleep and one wake:
   * what the benchmark of wake-ups measures.
   */
  lockstep?: boolean;
  /** Give up after this long, in ms (default 30 000); the result then says `timedOut`. */
  timeoutMs?: number;
  /** Byte rings: every record has this many payload bytes (default: varying, see `maxLength`). */
  fixedLength?: number;
  /** Byte rings with varying lengths: record i has (i * 7) % (maxLength + 1) bytes (default: the ring's maximum). */
  maxLength?: number;
}

/** What a native ring thread reports when joined. */
export interface NativeThreadResult {
  /** Items produced or consumed. */
  count: number;
  /** FNV-1a 32-bit checksum of the items (values as uint32; or length, type and each byte of records). */
  checksum: number;
  /** Consumer: items that differed from the expected sequence (always 0 for a producer). */
  errors: number;
  /** Time from the thread's start to its end, in ns. */
  elapsedNs: number;
  /** True when the thread stopped before `count` items (timeout, or the peer closed). */
  timedOut: boolean;
}

/**
 * Can native ring threads run here: `{ available, reason }` (the reason is null when available).
 * @deprecated Use `capabilities().nativeThreads` (`CORELANE_DEP0005`).
 */
export function nativeThreads(): { available: boolean; reason: string | null } {
  deprecated('CORELANE_DEP0005', 'spsc `nativeThreads()`', '`capabilities().nativeThreads`');
  const { supported, reason } = capabilities().nativeThreads;
  return { available: supported, reason: supported ? null : reason };
}

/**
 * A native thread (the C++ twin, native/include/corelane/spsc) producing or consuming a ring
 * concurrently with JavaScript. The sequence it writes or expects: slot ring value i is i;
 * byte ring record i has type i & 0xffff and payload byte j equal to (i + j) & 0xff.
 */
export class NativeRingThread {
  readonly #handle: number;
  #result: NativeThreadResult | null = null;

  private constructor(handle: number) {
    this.#handle = handle;
  }

  /**
   * Validates the ring and the options, claims the role for a native thread and starts it.
   * Throws `ERR_CORELANE_BAD_RING`, `ERR_CORELANE_ROLE_TAKEN`, or `ERR_CORELANE_UNSUPPORTED`
   * when the addon is not built.
   */
  static start(buffer: SharedArrayBuffer, options: NativeThreadOptions): NativeRingThread {
    const opts = requireOptions('options', options);
    const role = requireOneOf('options.role', opts.role, ['producer', 'consumer'] as const);
    const count = requireInteger('options.count', opts.count, 1, 2 ** 31 - 1);
    const publishEvery = publishEveryOption(opts, 64, 2 ** 30);
    const lockstep = optionalBoolean('options.lockstep', opts.lockstep, false);
    const timeoutMs = requireInteger('options.timeoutMs', opts.timeoutMs ?? 30_000, 1, 2 ** 31 - 1);
    const fields = validateAnyRing(buffer);
    const kind = fields.kind;
    const max = kind === RingKind.BYTE ? maxRecordBytes(fields.capacity) : 0;
    const fixedLength =
      opts.fixedLength === undefined ? -1 : requireInteger('options.fixedLength', opts.fixedLength, 0, max);
    const maxLength = requireInteger('options.maxLength', opts.maxLength ?? max, 0, Math.min(max, MAX_RECORD_TYPE));
    const native = addon('a native ring thread');
    const handle = native.start(
      new Int32Array(buffer),
      kind,
      role === 'producer',
      count,
      publishEvery,
      timeoutMs,
      fixedLength,
      maxLength,
      lockstep,
    );
    if (handle === -2) {
      throw new CorelaneError(ErrorCode.ROLE_TAKEN, `the ${role} role of this ring is already held`);
    }
    if (handle < 0) throw new CorelaneError(ErrorCode.BAD_RING, 'the native side rejected the ring header');
    return new NativeRingThread(handle);
  }

  /** True once the thread has finished (`join()` will not block). */
  get done(): boolean {
    return this.#result !== null || addon('a native ring thread').done(this.#handle);
  }

  /** Waits for the thread to finish (blocking this thread) and returns what it did. */
  join(): NativeThreadResult {
    if (this.#result === null) {
      const result = addon('a native ring thread').join(this.#handle);
      if (result === null) throw new CorelaneError(ErrorCode.INVALID_STATE, 'this native thread was already joined');
      this.#result = result;
    }
    return this.#result;
  }

  /** Resolves with `join()`'s result once the thread is done, polling every `intervalMs` without blocking. */
  async finished(intervalMs = 5): Promise<NativeThreadResult> {
    while (!this.done) await new Promise((resolve) => setTimeout(resolve, intervalMs));
    return this.join();
  }
}
