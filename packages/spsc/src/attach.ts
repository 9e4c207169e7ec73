import {
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
}

/** What a side learns from the header and its options before it touches the ring. */
export interface Attach {
  fields: HeaderFields;
  publishEvery: number;
  autoFlush: boolean;
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
  return { fields, publishEvery, autoFlush };
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
