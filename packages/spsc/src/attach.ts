import {
  CorelaneRangeError,
  CorelaneTypeError,
  deprecated,
  ErrorCode,
  type HeaderExpectation,
  type HeaderFields,
  optionalBoolean,
  requireInteger,
  requireOptions,
  validateHeader,
} from '@corelane/shared';

/** Options both sides of both ring kinds take. */
export interface SideOptions {
  /**
   * Publish after this many unpublished records (producer) or released records (consumer).
   * 1 publishes every record. Default: 64, or a quarter of the capacity when that is smaller.
   */
  publishEvery?: number;
  /**
   * @deprecated Use `publishEvery` (the same number). Accepted for one release, with a
   * `DeprecationWarning` (`CORELANE_DEP0004`).
   */
  batch?: number;
  /**
   * Publish what is left at the end of the current task, in a microtask (default `true`), so
   * that a user who never calls `flush()` still has every record delivered.
   */
  autoFlush?: boolean;
  /**
   * How long a blocking wait of this side (`waitReadable()`, `waitWritable()`) naps before it
   * announces a sleep, in ms (fractions allowed, 0..1000). A nap is a short timed sleep that the
   * peer is not told about (Agrona's `BackoffIdleStrategy` park): the side re-checks the ring
   * after each one (about 50-100 µs each on Linux, the kernel's timer slack) and returns as
   * soon as it can go on. Only an announced sleep makes the peer pay a wake (`Atomics.notify`
   * or `FUTEX_WAKE`, a system call) on its next publish, so a consumer that naps through the
   * gaps of a steady stream costs its producer no wake per publish — at the price of up to one
   * nap of latency for a record that arrives meanwhile. Default 0: announce at once (a sleeping
   * side is woken by the publish itself). The async waits (`readable()`, `writable()`) never nap.
   */
  napMs?: number;
}

/** The longest `napMs`. */
export const MAX_NAP_MS = 1000;

/** What a side learns from the header and its options before it touches the ring. */
export interface Attach {
  fields: HeaderFields;
  publishEvery: number;
  autoFlush: boolean;
  napMs: number;
}

/**
 * The header checks of a side: validates the buffer against `expected`, then `checkFields`
 * (the kind-specific checks), then the options. Reads only: a wrong header or option throws
 * before any write to the ring.
 */
export function checkAttach(
  buffer: unknown,
  expected: HeaderExpectation,
  options: SideOptions | undefined,
  checkFields: (fields: HeaderFields) => void,
): Attach {
  const fields = validateHeader(buffer, expected);
  checkFields(fields);
  const opts = requireOptions('options', options);
  const publishEvery = publishEveryOption(opts, Math.max(1, Math.min(64, fields.capacity / 4)), fields.capacity);
  const autoFlush = optionalBoolean('options.autoFlush', opts.autoFlush, true);
  return { fields, publishEvery, autoFlush, napMs: napMsOption(opts.napMs) };
}

/** `napMs`: a number of ms in 0..MAX_NAP_MS, fractions allowed (a nap is finer than a millisecond). */
export function napMsOption(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number') {
    throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, `options.napMs must be a number, got ${typeof value}`);
  }
  if (!(value >= 0 && value <= MAX_NAP_MS)) {
    throw new CorelaneRangeError(ErrorCode.OUT_OF_RANGE, `options.napMs must be in 0..${MAX_NAP_MS}, got ${value}`);
  }
  return value;
}

/** `publishEvery`, or the deprecated `batch` (`CORELANE_DEP0004`); both given must agree. */
export function publishEveryOption(
  opts: { publishEvery?: unknown; batch?: unknown },
  fallback: number,
  max: number,
): number {
  if (opts.batch !== undefined) {
    deprecated('CORELANE_DEP0004', 'spsc option `batch`', '`publishEvery`');
    if (opts.publishEvery !== undefined && opts.publishEvery !== opts.batch) {
      throw new CorelaneTypeError(
        ErrorCode.INVALID_ARGUMENT,
        `options.batch (deprecated) and options.publishEvery disagree: ${String(opts.batch)} vs ${String(opts.publishEvery)}`,
      );
    }
  }
  return requireInteger('options.publishEvery', opts.publishEvery ?? opts.batch ?? fallback, 1, max);
}
