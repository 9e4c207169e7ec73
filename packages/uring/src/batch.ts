import { CorelaneError, CorelaneRangeError, ErrorCode, optionalBoolean, requireOptions } from '@corelane/shared';
import { OpCode, OpFlag } from './opcodes.js';
import {
  closeSpec,
  type FallocateOptions,
  type FileOpOptions,
  type FsyncOptions,
  fallocateSpec,
  fsyncSpec,
  ftruncateSpec,
  linkTimeoutSpec,
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

/** The options every batched operation adds: link it to the next one, or drain before it. */
export interface LinkOption {
  /**
   * The next operation of the batch starts only after this one succeeded in full
   * (IOSQE_IO_LINK); if this one fails or is short, the rest of the chain rejects with
   * `ECANCELED`. The last operation of a batch cannot link.
   */
  link?: boolean;
  /**
   * Start this operation only after every operation submitted before it has completed, and
   * start nothing after it until it completes (IOSQE_IO_DRAIN): an fdatasync that covers
   * writes that run in parallel.
   */
  drain?: boolean;
}

interface Queued {
  spec: OpSpec;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * Operations queued to go to the kernel together: nothing is submitted until `submit()`, which
 * hands them all over in one call, in order. Obtained from `IoRing.batch()`.
 */
export class Batch {
  readonly #run: (spec: OpSpec) => Promise<unknown>;
  readonly #flush: () => number;
  readonly #entries: number;
  readonly #checkRegistered: (spec: OpSpec) => OpSpec;
  readonly #checkRing: () => void;
  #queued: Queued[] = [];
  #submitted = false;

  /** @internal Use `IoRing.batch()`. */
  constructor(
    run: (spec: OpSpec) => Promise<unknown>,
    flush: () => number,
    entries: number,
    checkRegistered: (spec: OpSpec) => OpSpec,
    checkRing: () => void,
  ) {
    this.#run = run;
    this.#flush = flush;
    this.#entries = entries;
    this.#checkRegistered = checkRegistered;
    this.#checkRing = checkRing;
  }

  /** Operations queued so far. */
  get size(): number {
    return this.#queued.length;
  }

  open(path: string | URL, flags?: string | number, mode?: number, options?: OpOptions & LinkOption): Promise<number> {
    return this.#queue(openSpec(path, flags, mode, options), options) as Promise<number>;
  }

  close(fd: number, options?: OpOptions & LinkOption): Promise<void> {
    return this.#queue(closeSpec(fd, options), options) as Promise<void>;
  }

  read(
    fd: number,
    buffer: ArrayBufferView,
    position?: number | bigint | null,
    options?: ReadWriteOptions & LinkOption,
  ): Promise<number> {
    return this.#queue(
      this.#checkRegistered(readWriteSpec(OpCode.read, fd, buffer, position, options)),
      options,
    ) as Promise<number>;
  }

  write(
    fd: number,
    buffer: ArrayBufferView,
    position?: number | bigint | null,
    options?: ReadWriteOptions & LinkOption,
  ): Promise<number> {
    return this.#queue(
      this.#checkRegistered(readWriteSpec(OpCode.write, fd, buffer, position, options)),
      options,
    ) as Promise<number>;
  }

  readv(
    fd: number,
    buffers: ArrayBufferView[],
    position?: number | bigint | null,
    options?: FileOpOptions & LinkOption,
  ): Promise<number> {
    return this.#queue(vectorSpec(OpCode.readv, fd, buffers, position, options), options) as Promise<number>;
  }

  writev(
    fd: number,
    buffers: ArrayBufferView[],
    position?: number | bigint | null,
    options?: FileOpOptions & LinkOption,
  ): Promise<number> {
    return this.#queue(vectorSpec(OpCode.writev, fd, buffers, position, options), options) as Promise<number>;
  }

  fsync(fd: number, options?: FsyncOptions & LinkOption): Promise<void> {
    return this.#queue(fsyncSpec(fd, options), options) as Promise<void>;
  }

  ftruncate(fd: number, length?: number, options?: FileOpOptions & LinkOption): Promise<void> {
    return this.#queue(ftruncateSpec(fd, length, options), options) as Promise<void>;
  }

  fallocate(fd: number, offset: number, length: number, options?: FallocateOptions & LinkOption): Promise<void> {
    return this.#queue(fallocateSpec(fd, offset, length, options), options) as Promise<void>;
  }

  statx(target: string | URL | number, options?: StatxOptions & LinkOption): Promise<FileStats> {
    return this.#queue(statxSpec(target, options), options) as Promise<FileStats>;
  }

  unlink(path: string | URL, options?: OpOptions & LinkOption): Promise<void> {
    return this.#queue(unlinkSpec(path, false, options), options) as Promise<void>;
  }

  rmdir(path: string | URL, options?: OpOptions & LinkOption): Promise<void> {
    return this.#queue(unlinkSpec(path, true, options), options) as Promise<void>;
  }

  rename(oldPath: string | URL, newPath: string | URL, options?: OpOptions & LinkOption): Promise<void> {
    return this.#queue(renameSpec(oldPath, newPath, options), options) as Promise<void>;
  }

  mkdir(path: string | URL, mode?: number, options?: OpOptions & LinkOption): Promise<void> {
    return this.#queue(mkdirSpec(path, mode, options), options) as Promise<void>;
  }

  /**
   * Resolves after `ms` milliseconds (IORING_OP_TIMEOUT). An expired timeout counts as a
   * failure for a link, so a chain stops at it: link it only to cancel what follows.
   */
  timeout(ms: number, options?: OpOptions & LinkOption): Promise<void> {
    return this.#queue(timeoutSpec(ms, options), options) as Promise<void>;
  }

  /**
   * Bounds the operation queued just before, which must have `{ link: true }`: if it has not
   * completed `ms` milliseconds after it started, it is cancelled and rejects with `ECANCELED`
   * (IORING_OP_LINK_TIMEOUT; the thread-pool backend does the same with a timer and a signal).
   * Resolves `true` when the time ran out (`ETIME`; also when the operation was past cancelling,
   * a file read already in its system call on the thread pool, and then completes normally),
   * `false` when the operation completed, or never started, in time. With `link: true` the chain
   * goes on after it, as long as the guarded operation succeeded. It takes no AbortSignal (the
   * kernel cannot cancel a link timeout on its own): abort the guarded operation instead, which
   * disarms its timeout.
   */
  linkTimeout(ms: number, options?: Pick<LinkOption, 'link'>): Promise<boolean> {
    const previous = this.#queued.at(-1)?.spec;
    if (previous === undefined || (previous.flags & OpFlag.linkNext) === 0) {
      throw new CorelaneError(
        ErrorCode.INVALID_STATE,
        'linkTimeout() must follow an operation queued with { link: true }',
      );
    }
    if (previous.code === OpCode.timeout || previous.code === OpCode.linkTimeout) {
      throw new CorelaneError(
        ErrorCode.INVALID_STATE,
        'linkTimeout() cannot follow a timeout or another linkTimeout()',
      );
    }
    const o = requireOptions('options', options);
    return this.#queue(linkTimeoutSpec(ms), o.link === undefined ? undefined : { link: o.link }) as Promise<boolean>;
  }

  /**
   * Submits every queued operation in one call, in order. Returns how many went. A batch is
   * submitted once; queue more in a new `ring.batch()`.
   */
  submit(): number {
    if (this.#submitted) throw new CorelaneError(ErrorCode.CLOSED, 'this batch was already submitted');
    this.#checkOwner();
    const last = this.#queued.at(-1);
    if (last !== undefined && (last.spec.flags & OpFlag.linkNext) !== 0) {
      throw new CorelaneRangeError(ErrorCode.OUT_OF_RANGE, 'the last operation of a batch cannot link to a next one');
    }
    let chain = 0;
    for (const { spec } of this.#queued) {
      chain = (spec.flags & OpFlag.linkNext) !== 0 ? chain + 1 : 0;
      if (chain >= this.#entries) {
        throw new CorelaneRangeError(
          ErrorCode.OUT_OF_RANGE,
          `a linked chain may hold at most ${this.#entries} operations (the ring's entries)`,
        );
      }
    }
    this.#submitted = true;
    for (const { spec, resolve, reject } of this.#queued) this.#run(spec).then(resolve, reject);
    this.#queued = [];
    return this.#flush();
  }

  // The ring's thread and state are checked before the batch is touched: from a wrong thread
  // the batch stays as it was (its owner may still submit it); on a destroyed ring its ops
  // reject with ERR_CORELANE_CANCELLED rather than wait forever.
  #checkOwner(): void {
    try {
      this.#checkRing();
    } catch (error) {
      if ((error as CorelaneError).code === ErrorCode.CLOSED) {
        this.#submitted = true;
        for (const { reject } of this.#queued) {
          reject(new CorelaneError(ErrorCode.CANCELLED, 'the ring was destroyed before the batch was submitted'));
        }
        this.#queued = [];
      }
      throw error;
    }
  }

  #queue(spec: OpSpec, options: LinkOption | undefined): Promise<unknown> {
    if (this.#submitted) throw new CorelaneError(ErrorCode.CLOSED, 'this batch was already submitted');
    if (optionalBoolean('options.link', options?.link, false)) spec.flags |= OpFlag.linkNext;
    if (optionalBoolean('options.drain', options?.drain, false)) spec.flags |= OpFlag.drain;
    return new Promise((resolve, reject) => {
      this.#queued.push({ spec, resolve, reject });
    });
  }
}
