import { CorelaneError, ErrorCode } from '@corelane/shared';

/** Why recovery stopped reading a segment at an offset. */
export type DamageReason = 'short' | 'crc' | 'sequence' | 'header';

/**
 * `ERR_CORELANE_WAL_CORRUPT`: the log is damaged before its tail, where a crash cannot have torn
 * it. `file` and `offset` say where the first bad record starts.
 */
export class WalCorruptError extends CorelaneError {
  /** The segment (or checkpoint) file. */
  readonly file: string;
  /** Byte offset in `file` of the first record that failed. */
  readonly offset: number;
  /** What failed there: `'short'`, `'crc'`, `'sequence'` or `'header'`. */
  readonly reason: DamageReason;
  constructor(file: string, offset: number, reason: DamageReason, detail: string) {
    super(ErrorCode.WAL_CORRUPT, `WAL corrupt at ${file}:${offset} (${reason}): ${detail}`);
    this.name = 'WalCorruptError';
    this.file = file;
    this.offset = offset;
    this.reason = reason;
  }
}

/** The failed system call of a group commit, as a typed error: `ERR_CORELANE_SYSTEM` (or PERMISSION) with `errno`. */
export function walIoError(cause: unknown, what: string): CorelaneError {
  const c = cause as { errno?: number; syscall?: string; code?: string };
  // Each package bundles its own copy of CorelaneError, so a ring's error is known by its code.
  if (cause instanceof CorelaneError || (typeof c.code === 'string' && c.code.startsWith('ERR_CORELANE_'))) {
    return cause as CorelaneError;
  }
  const errno = typeof c.errno === 'number' ? c.errno : undefined;
  const name = typeof c.code === 'string' ? c.code : 'EIO';
  const code = name === 'EPERM' || name === 'EACCES' ? ErrorCode.PERMISSION : ErrorCode.SYSTEM;
  return new CorelaneError(code, `${what}: ${c.syscall ?? 'io'} failed with ${name}`, {
    cause,
    ...(errno === undefined ? {} : { errno }),
    ...(c.syscall === undefined ? {} : { syscall: c.syscall }),
  });
}
