import {
  CorelaneError,
  CorelaneRangeError,
  deprecated,
  ErrorCode,
  optionalBoolean,
  requireOptions,
} from '@corelane/shared';
import { OpCode, OpFlag, quietCodes } from './opcodes.js';
import { FileOperations } from './operations.js';
import { linkTimeoutSpec, type OpOptions, type OpSpec } from './ops.js';

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
 * @internal What a batch needs from its ring: one object per ring, so `ring.batch()` allocates
 * the batch and its list and nothing else (a WAL makes one batch per append).
 */
export interface BatchOwner {
  /** The ring's entries: the longest linked chain. */
  readonly entries: number;
  /** The ring was made with `quietLinks`. */
  readonly quietLinks: boolean;
  /** Stages one op whose promise the batch made: the ring settles it through these. */
  stage(spec: OpSpec, resolve: (value: unknown) => void, reject: (error: unknown) => void): void;
  /** Hands what is staged to the kernel; returns how many went. */
  flush(): number;
  /** Throws unless the op's in-place buffer lies in a registered buffer. */
  checkRegistered(spec: OpSpec): OpSpec;
  /** Throws ERR_CORELANE_CLOSED once the ring was closed. */
  check(): void;
}

/**
 * Operations queued to go to the kernel together: nothing is submitted until `submit()`, which
 * hands them all over in one call, in order. Obtained from `IoRing.batch()`.
 */
export class Batch extends FileOperations<LinkOption> {
  readonly #owner: BatchOwner;
  #queued: Queued[] = [];
  #submitted = false;

  /** @internal Use `IoRing.batch()`. */
  constructor(owner: BatchOwner) {
    super();
    this.#owner = owner;
  }

  /** Operations queued so far. */
  get size(): number {
    return this.#queued.length;
  }

  /**
   * @deprecated Since 0.2: use `closeFile(fd)`. `close` is the word for shutting an object down
   * (CORELANE_DEP0002).
   */
  close(fd: number, options?: OpOptions & LinkOption): Promise<void> {
    deprecated('CORELANE_DEP0002', 'Batch.close(fd)', 'Batch.closeFile(fd)');
    return this.closeFile(fd, options);
  }

  /**
   * Bounds the operation queued just before, which must have `{ link: true }`: if it has not
   * completed `timeoutMs` milliseconds after it started, it is cancelled and rejects with `ECANCELED`
   * (IORING_OP_LINK_TIMEOUT; the thread-pool backend does the same with a timer and a signal).
   * Resolves `true` when the time ran out (`ETIME`; also when the operation was past cancelling,
   * a file read already in its system call on the thread pool, and then completes normally),
   * `false` when the operation completed, or never started, in time. With `link: true` the chain
   * goes on after it, as long as the guarded operation succeeded. It takes no AbortSignal (the
   * kernel cannot cancel a link timeout on its own): abort the guarded operation instead, which
   * disarms its timeout.
   */
  linkTimeout(timeoutMs: number, options?: Pick<LinkOption, 'link'>): Promise<boolean> {
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
    return this.enqueue(
      linkTimeoutSpec(timeoutMs),
      o.link === undefined ? undefined : { link: o.link },
    ) as Promise<boolean>;
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
      if (chain >= this.#owner.entries) {
        throw new CorelaneRangeError(
          ErrorCode.OUT_OF_RANGE,
          `a linked chain may hold at most ${this.#owner.entries} operations (the ring's entries)`,
        );
      }
    }
    this.#submitted = true;
    if (this.#owner.quietLinks) markQuietChains(this.#queued);
    // Each op keeps the one promise queue() made: the ring settles it directly.
    const owner = this.#owner;
    for (const { spec, resolve, reject } of this.#queued) owner.stage(spec, resolve, reject);
    this.#queued = [];
    return owner.flush();
  }

  // The ring's state is checked before the batch is touched: on a closed ring its ops reject
  // with ERR_CORELANE_CANCELLED rather than wait forever.
  #checkOwner(): void {
    try {
      this.#owner.check();
    } catch (error) {
      if ((error as CorelaneError).code === ErrorCode.CLOSED) {
        this.#submitted = true;
        for (const { reject } of this.#queued) {
          reject(new CorelaneError(ErrorCode.CANCELLED, 'the ring was closed before the batch was submitted'));
        }
        this.#queued = [];
      }
      throw error;
    }
  }

  /** @internal Queues one operation until `submit()`. */
  protected enqueue(spec: OpSpec, options: LinkOption | undefined): Promise<unknown> {
    if (this.#submitted) throw new CorelaneError(ErrorCode.CLOSED, 'this batch was already submitted');
    if (spec.inPlace !== undefined) this.#owner.checkRegistered(spec);
    if (options !== undefined) {
      if (optionalBoolean('options.link', options.link, false)) spec.flags |= OpFlag.linkNext;
      if (optionalBoolean('options.drain', options.drain, false)) {
        if (this.#owner.quietLinks) {
          throw new CorelaneError(
            ErrorCode.INVALID_STATE,
            'options.drain cannot be used on a ring made with quietLinks: the kernel refuses IOSQE_IO_DRAIN ' +
              '(EOPNOTSUPP) on a ring that has skipped a completion',
          );
        }
        spec.flags |= OpFlag.drain;
      }
    }
    return new Promise((resolve, reject) => {
      this.#queued.push({ spec, resolve, reject });
    });
  }
}

/**
 * Marks every link but the last of each chain whose success can be inferred (quietCodes, and no
 * timeout anywhere in it: a link timeout completes on its own) with `skipSuccess`: the kernel
 * then posts one completion for the chain when it succeeds, and the native side settles the
 * links before it from that one (native/uring_backend.cc, TakeCompletion).
 */
function markQuietChains(queued: Queued[]): void {
  let start = 0;
  for (let i = 0; i < queued.length; i++) {
    if (((queued[i] as Queued).spec.flags & OpFlag.linkNext) !== 0) continue;
    if (i > start) {
      let quiet = true;
      for (let k = start; k <= i && quiet; k++) {
        const { code } = (queued[k] as Queued).spec;
        quiet = k === i ? code !== OpCode.timeout && code !== OpCode.linkTimeout : quietCodes.has(code);
      }
      if (quiet) for (let k = start; k < i; k++) (queued[k] as Queued).spec.flags |= OpFlag.skipSuccess;
    }
    start = i + 1;
  }
}
