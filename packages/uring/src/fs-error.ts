import { getSystemErrorMap } from 'node:util';

const systemErrors = getSystemErrorMap();

/**
 * A failed file operation, shaped like the errors `node:fs` rejects with: `code` is the errno
 * name (`ENOENT`), `errno` the negative errno, `syscall` the call `fs` would name, and `path`
 * (and `dest` for rename) where `fs` sets them. The message is `fs`'s, word for word.
 */
export class FileSystemError extends Error {
  /** The errno name, such as `ENOENT` or `EBADF`. */
  declare code: string;
  /** The negative errno number, as `node:fs` reports it. */
  declare errno: number;
  /** `open`, `read`, `write`, `fsync`, `fdatasync`, `stat`, `unlink`, `rename`, … */
  declare syscall: string;
  /** The path the call was about, where `node:fs` names one. */
  declare path?: string;
  /** The destination of a rename. */
  declare dest?: string;

  constructor(errno: number, syscall: string, path?: string, dest?: string) {
    const [name, description] = systemErrors.get(-Math.abs(errno)) ?? [`E${Math.abs(errno)}`, 'unknown error'];
    let message = `${name}: ${description}, ${syscall}`;
    if (path !== undefined) message += ` '${path}'`;
    if (dest !== undefined) message += ` -> '${dest}'`;
    super(message);
    this.name = 'Error';
    this.errno = -Math.abs(errno);
    this.code = name;
    this.syscall = syscall;
    if (path !== undefined) this.path = path;
    if (dest !== undefined) this.dest = dest;
  }
}
