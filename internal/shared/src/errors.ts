import { constants } from 'node:os';

/**
 * Every error a corelane package throws carries one of these codes. They are part of the public
 * API: a code, once shipped, keeps its meaning.
 */
export const ErrorCode = {
  /** An argument has the wrong type (a string where a number belongs, a missing option). */
  INVALID_ARGUMENT: 'ERR_CORELANE_INVALID_ARGUMENT',
  /** An argument has the right type but a value outside what is allowed (-1, 1.5, NaN, …). */
  OUT_OF_RANGE: 'ERR_CORELANE_OUT_OF_RANGE',
  /** A CPU that this process may not run on (outside `availableCpus()`). */
  CPU_UNAVAILABLE: 'ERR_CORELANE_CPU_UNAVAILABLE',
  /** An empty CPU list where at least one CPU is needed. */
  EMPTY_CPU_SET: 'ERR_CORELANE_EMPTY_CPU_SET',
  /** No placement satisfies the request (more cores asked than there are). */
  PLACEMENT: 'ERR_CORELANE_PLACEMENT',
  /** The operating system refused for lack of privilege (EPERM / EACCES). */
  PERMISSION: 'ERR_CORELANE_PERMISSION',
  /** This platform or build cannot do it at all; `capabilities()` says why. */
  UNSUPPORTED: 'ERR_CORELANE_UNSUPPORTED',
  /** Any other failure of a system call; `errno` and `syscall` say which. */
  SYSTEM: 'ERR_CORELANE_SYSTEM',
  /** A buffer that is not a ring of the expected kind and version (wrong magic, version, kind, size). Nothing was touched. */
  BAD_RING: 'ERR_CORELANE_BAD_RING',
  /** The producer or consumer role of a shared structure is already held by a live peer. */
  ROLE_TAKEN: 'ERR_CORELANE_ROLE_TAKEN',
  /** The object (ring side, ring, runtime) was closed; it cannot be used again. */
  CLOSED: 'ERR_CORELANE_CLOSED',
  /** A record larger than the structure's documented maximum. */
  RECORD_TOO_LARGE: 'ERR_CORELANE_RECORD_TOO_LARGE',
  /** A full target under the `'error'` backpressure policy. */
  BACKPRESSURE: 'ERR_CORELANE_BACKPRESSURE',
  /** An object bound to one thread was used from another. */
  WRONG_THREAD: 'ERR_CORELANE_WRONG_THREAD',
  /** An operation was cancelled (AbortSignal, or its owner shut down) before it completed. */
  CANCELLED: 'ERR_CORELANE_CANCELLED',
  /** A wait ran out of time. */
  TIMEOUT: 'ERR_CORELANE_TIMEOUT',
  /** A call that the object's current state does not allow (a second `claim()` before `commit()`, `commit()` without a claim). */
  INVALID_STATE: 'ERR_CORELANE_INVALID_STATE',
  /** A runtime's module is missing, failed to load, or has no `defineCore()` default export. Nothing was started. */
  BAD_MODULE: 'ERR_CORELANE_BAD_MODULE',
  /** The core handling a request died and was restarted; the request's effect may or may not have happened. */
  CORE_RESTARTED: 'ERR_CORELANE_CORE_RESTARTED',
  /** A core failed to start, or died more often than the restart limit allows: the runtime is down. */
  CORE_FAILED: 'ERR_CORELANE_CORE_FAILED',
  /**
   * A write-ahead log (or a checkpoint) damaged before its tail: a record that fails its CRC,
   * breaks the sequence or is short, with valid data after it. The error names the file and offset.
   */
  WAL_CORRUPT: 'ERR_CORELANE_WAL_CORRUPT',
  /** Another open `Wal` (in this process or another one) holds the log's directory; nothing was touched. */
  WAL_LOCKED: 'ERR_CORELANE_WAL_LOCKED',
  /** A shared structure's arena cannot hold what was asked (its `arenaBytes` is spent); nothing was changed. */
  OUT_OF_MEMORY: 'ERR_CORELANE_OUT_OF_MEMORY',
  /** A buffer or handle that is not a lockfree map or epoch domain of this layout version. Nothing was touched. */
  BAD_MAP: 'ERR_CORELANE_BAD_MAP',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Extra facts an error may carry. */
export interface ErrorDetails {
  cause?: unknown;
  /** The errno number, negative as `node:fs` reports it (`-1` for EPERM), when a system call failed. */
  errno?: number;
  /** The system call that failed. */
  syscall?: string;
}

function attach(error: Error & { code: ErrorCode }, code: ErrorCode, details: ErrorDetails): void {
  error.code = code;
  if (details.errno !== undefined) {
    Object.assign(error, { errno: -Math.abs(details.errno), errnoName: errnoName(details.errno) });
  }
  if (details.syscall !== undefined) Object.assign(error, { syscall: details.syscall });
}

/**
 * A failure that is not about the arguments: permission, platform, system call.
 *
 * One error shape across the packages: `code` is always a stable `ERR_CORELANE_*`; where a
 * system call failed, `errno` is the negative number (as `node:fs`), `errnoName` its name and
 * `syscall` the call. The one exception is `@corelane/uring`'s `FileSystemError`, which mirrors
 * `node:fs` errors exactly (`code: 'ENOENT'`, `errno: -2`) so code written for `fs.promises`
 * keeps working.
 */
export class CorelaneError extends Error {
  declare code: ErrorCode;
  /** The errno number, negative as `node:fs` and libuv report it (`-1` for EPERM). */
  declare errno?: number;
  /** The errno name (`EPERM`), beside `errno`; `code` stays the stable `ERR_CORELANE_*`. */
  declare errnoName?: string;
  /** The system call that failed. */
  declare syscall?: string;
  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'CorelaneError';
    attach(this, code, details);
  }
}

/** An argument of the wrong type. `instanceof TypeError` holds. */
export class CorelaneTypeError extends TypeError {
  declare code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'TypeError';
    this.code = code;
  }
}

/** An argument with a value out of range. `instanceof RangeError` holds. */
export class CorelaneRangeError extends RangeError {
  declare code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'RangeError';
    this.code = code;
  }
}

const errnoNames = new Map<number, string>(Object.entries(constants.errno).map(([name, value]) => [value, name]));

/** The errno name (`EPERM`) for a positive errno number, or `E<number>` when unknown. */
export function errnoName(errno: number): string {
  return errnoNames.get(Math.abs(errno)) ?? `E${Math.abs(errno)}`;
}

/**
 * Turns a failed system call (the errno the native side returned) into a typed error:
 * EPERM/EACCES become `ERR_CORELANE_PERMISSION`, the rest `ERR_CORELANE_SYSTEM`.
 */
export function systemError(syscall: string, errno: number, what: string): CorelaneError {
  const name = errnoName(errno);
  const code = name === 'EPERM' || name === 'EACCES' ? ErrorCode.PERMISSION : ErrorCode.SYSTEM;
  return new CorelaneError(code, `${what}: ${syscall} failed with ${name}`, { errno, syscall });
}
