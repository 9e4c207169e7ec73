// The file operations IoRing and Batch both offer, written once: each turns its arguments into
// a validated OpSpec (ops.ts) and hands it to the class's enqueue(), which submits it (IoRing)
// or queues it (Batch). `Extra` is what the class adds to every operation's options (Batch: the
// link and drain flags).

import { OpCode } from './opcodes.js';
import {
  closeSpec,
  type FallocateOptions,
  type FileOpOptions,
  type FsyncOptions,
  fallocateSpec,
  fsyncSpec,
  ftruncateSpec,
  mkdirSpec,
  type OpOptions,
  type OpSpec,
  openSpec,
  type ReadWriteOptions,
  readWriteSpec,
  renameSpec,
  type StatxOptions,
  statxSpec,
  timeoutSpec,
  unlinkSpec,
  vectorSpec,
} from './ops.js';
import type { FileStats } from './stats.js';

/** The operations of `IoRing` and `Batch`; `Extra` is added to every operation's options. */
export abstract class FileOperations<Extra extends object> {
  /** @internal Submits (IoRing) or queues (Batch) one validated operation. */
  protected abstract enqueue(spec: OpSpec, options: Extra | undefined): Promise<unknown>;

  /** Opens a file, like `fs.open` (string or `O_*` flags, `O_CLOEXEC` added); resolves with the fd. */
  open(path: string | URL, flags?: string | number, mode?: number, options?: OpOptions & Extra): Promise<number> {
    return this.enqueue(openSpec(path, flags, mode, options), options) as Promise<number>;
  }

  /** Closes a file descriptor, like `fs.close`. */
  closeFile(fd: number, options?: OpOptions & Extra): Promise<void> {
    return this.enqueue(closeSpec(fd, options), options) as Promise<void>;
  }

  /**
   * Reads into `buffer` at file `position` (`null`/-1/omitted: the current position); resolves
   * with the bytes read, like `fs.read` (0 at end of file, fewer than asked near it).
   */
  read(
    fd: number,
    buffer: ArrayBufferView,
    position?: number | bigint | null,
    options?: ReadWriteOptions & Extra,
  ): Promise<number> {
    return this.enqueue(readWriteSpec(OpCode.read, fd, buffer, position, options), options) as Promise<number>;
  }

  /** Writes `buffer` at file `position`; resolves with the bytes written, like `fs.write`. */
  write(
    fd: number,
    buffer: ArrayBufferView,
    position?: number | bigint | null,
    options?: ReadWriteOptions & Extra,
  ): Promise<number> {
    return this.enqueue(readWriteSpec(OpCode.write, fd, buffer, position, options), options) as Promise<number>;
  }

  /** Reads into several buffers in order (preadv); resolves with the total bytes read. */
  readv(
    fd: number,
    buffers: ArrayBufferView[],
    position?: number | bigint | null,
    options?: FileOpOptions & Extra,
  ): Promise<number> {
    return this.enqueue(vectorSpec(OpCode.readv, fd, buffers, position, options), options) as Promise<number>;
  }

  /** Writes several buffers in order (pwritev); resolves with the total bytes written. */
  writev(
    fd: number,
    buffers: ArrayBufferView[],
    position?: number | bigint | null,
    options?: FileOpOptions & Extra,
  ): Promise<number> {
    return this.enqueue(vectorSpec(OpCode.writev, fd, buffers, position, options), options) as Promise<number>;
  }

  /** fsync, or fdatasync with `{ dataOnly: true }`. */
  fsync(fd: number, options?: FsyncOptions & Extra): Promise<void> {
    return this.enqueue(fsyncSpec(fd, options), options) as Promise<void>;
  }

  /** Sets the file's size, like `fs.ftruncate`. */
  ftruncate(fd: number, length?: number, options?: FileOpOptions & Extra): Promise<void> {
    return this.enqueue(ftruncateSpec(fd, length, options), options) as Promise<void>;
  }

  /** Allocates disk space for `length` bytes at `offset` (fallocate(2)). */
  fallocate(fd: number, offset: number, length: number, options?: FallocateOptions & Extra): Promise<void> {
    return this.enqueue(fallocateSpec(fd, offset, length, options), options) as Promise<void>;
  }

  /** Stats a path (or an open fd), like `fs.stat` / `fs.lstat` (`noFollow`) / `fs.fstat`. */
  statx(target: string | URL | number, options?: StatxOptions & Extra): Promise<FileStats> {
    return this.enqueue(statxSpec(target, options), options) as Promise<FileStats>;
  }

  /** Removes a file, like `fs.unlink`. */
  unlink(path: string | URL, options?: OpOptions & Extra): Promise<void> {
    return this.enqueue(unlinkSpec(path, false, options), options) as Promise<void>;
  }

  /** Removes an empty directory, like `fs.rmdir`. */
  rmdir(path: string | URL, options?: OpOptions & Extra): Promise<void> {
    return this.enqueue(unlinkSpec(path, true, options), options) as Promise<void>;
  }

  /** Renames a file or directory, like `fs.rename`. */
  rename(oldPath: string | URL, newPath: string | URL, options?: OpOptions & Extra): Promise<void> {
    return this.enqueue(renameSpec(oldPath, newPath, options), options) as Promise<void>;
  }

  /** Creates a directory, like `fs.mkdir` (not recursive). */
  mkdir(path: string | URL, mode?: number, options?: OpOptions & Extra): Promise<void> {
    return this.enqueue(mkdirSpec(path, mode, options), options) as Promise<void>;
  }

  /**
   * Resolves after `delayMs` milliseconds, timed by the ring (IORING_OP_TIMEOUT). In a batch, an
   * expired timeout counts as a failure for a link, so a chain stops at it: link one only to
   * cancel what follows.
   */
  timeout(delayMs: number, options?: OpOptions & Extra): Promise<void> {
    return this.enqueue(timeoutSpec(delayMs, options), options) as Promise<void>;
  }
}
