import { constants } from 'node:os';
import {
  CorelaneError,
  CorelaneRangeError,
  CorelaneTypeError,
  deprecated,
  ErrorCode,
  errnoName,
  optionalBoolean,
  requireInteger,
  requireOneOf,
  requireOptions,
  systemError,
} from '@corelane/shared';
import { isDetachedView, isShared, requireFd } from './arguments.js';
import { Batch, type BatchOwner } from './batch.js';
import { backendDecision } from './capabilities.js';
import { FAULT_SLOTS, FAULTS } from './faults.js';
import { FileSystemError } from './fs-error.js';
import { type NativeRing, native } from './native.js';
import { kernelSetupFlags, OpCode, OpFlag, REFUSED_RESULT, SetupWant } from './opcodes.js';
import { FileOperations } from './operations.js';
import type { OpOptions, OpSpec } from './ops.js';
import { SharedMemoryTable, viewByteLength, viewByteOffset } from './shared-memory.js';
import { Slots } from './slots.js';
import { Staging } from './staging.js';
import { decodeStatx } from './stats.js';

/** Which engine runs a ring's operations. */
export type Backend = 'io_uring' | 'threadpool';

/** Options of `new IoRing()`. */
export interface IoRingOptions {
  /** Submission queue size (rounded up to a power of two by the kernel). Default 256. */
  entries?: number;
  /**
   * `'auto'` (default): io_uring when the kernel allows it and `CORELANE_URING` is not `off`,
   * else the thread pool. `'io_uring'`: io_uring or throw. `'threadpool'`: always the pool.
   */
  backend?: 'auto' | Backend;
  /** Ask for IORING_SETUP_SINGLE_ISSUER (dropped when refused). Default true. */
  singleIssuer?: boolean;
  /**
   * Ask for IORING_SETUP_DEFER_TASKRUN: completions run only when this thread reaps. Default true.
   *
   * It suits operations the kernel completes from an interrupt or inline (O_DIRECT and cached
   * reads): their completions are batched and never interrupt the thread. Operations an io-wq
   * worker runs (buffered writes, fsync/fdatasync) pay for it: each completion reaches the
   * ring only through an `io_uring_enter` of this thread, and the worker's request free wakes it
   * once more. A WAL appending a write linked to an fdatasync with one in flight measured
   * 4 `io_uring_enter` per append with it and 1 without, and about 1.7x the appends per second
   * without it where the fdatasync costs little (`/dev/shm`; the uring bench suite's
   * `write+fdatasync x1` cases), while cached 4 KiB reads at depth 32 ran about 2.6x slower
   * without it. Pass `false` for a ring that mostly writes and syncs.
   */
  deferTaskrun?: boolean;
  /**
   * Links that succeed post no completion of their own (IOSQE_CQE_SKIP_SUCCESS, Linux 5.17+):
   * a batch's chain of ops that move bytes or return 0 (read, write, readv, writev, fsync,
   * ftruncate, fallocate, closeFile, unlink, rename, mkdir; no timeout in it) then costs one
   * completion and one wake-up when it succeeds, and each op's promise still settles with its
   * own result: a link before the chain's last resolves with its whole length (or nothing)
   * once the next one completes. A link that fails or is short still rejects (or resolves
   * short) with its own result, and the rest of its chain rejects with `ECANCELED`. A WAL
   * appending write + fdatasync linked sees one wake-up per append instead of two. The kernel
   * refuses `drain` on such a ring, so `{ drain: true }` throws `ERR_CORELANE_INVALID_STATE`.
   * The thread-pool backend, and io_uring on a kernel without IORING_FEAT_CQE_SKIP (before
   * 5.17), complete each op on its own; the results are the same. Default false.
   */
  quietLinks?: boolean;
  /** Ask for IORING_SETUP_COOP_TASKRUN. Default false. */
  coopTaskrun?: boolean;
  /** A kernel thread polls the submission queue (IORING_SETUP_SQPOLL); opt-in. `idleMs` default 1000. */
  sqpoll?: boolean | { idleMs?: number };
  /** Threads of the thread-pool backend. Default 4. */
  threads?: number;
  /**
   * Single operations are submitted together at the end of the microtask turn that made them,
   * or as soon as this many are staged, whichever comes first. Default 8. Larger: fewer system
   * calls; smaller: a completed operation's replacement reaches the kernel sooner, which keeps
   * the effective queue depth up when each wake-up brings many completions.
   */
  submitEvery?: number;
  /** @deprecated Since 0.2: use `submitEvery` (CORELANE_DEP0003). */
  submitBatch?: number;
}

/** What a ring runs on, and why. */
export interface IoRingInfo {
  backend: Backend;
  /** Why this backend: the reason io_uring was not used, or what io_uring was set up with. */
  reason: string;
  /** IORING_SETUP_* flags the kernel accepted, by name (empty for the thread pool). */
  setupFlags: string[];
  /** Flags asked for that the kernel refused, in words. */
  refused: string;
  /** The kernel's IORING_FEAT_* bits (0 for the thread pool). */
  features: number;
}

interface Pending {
  id: number;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  spec: OpSpec;
  /** Staged, not yet handed to the native side. */
  staged: boolean;
  cancelled: boolean;
  /** Why it was refused before the submit (it never runs, and its chain breaks there). */
  refusal?: Error | undefined;
  onAbort?: (() => void) | undefined;
}

/** What an op's promise resolves with: a count, an fd, stats, or nothing. */
function resultValue(spec: OpSpec, result: number): unknown {
  switch (spec.code) {
    case OpCode.open:
    case OpCode.read:
    case OpCode.write:
    case OpCode.readv:
    case OpCode.writev:
      return result;
    case OpCode.statx:
      return decodeStatx(spec.statx as Uint8Array);
    default:
      return undefined;
  }
}

/**
 * Why an op's buffer can no longer be used as it was when the op was made, or undefined. Its
 * views were checked then; between that call and the submit JS may detach a buffer or resize a
 * resizable one. Registered buffers are SharedArrayBuffers, which cannot do either: not checked.
 */
function bufferRefusal(spec: OpSpec): Error | undefined {
  if ((spec.flags & OpFlag.fixedBuffer) !== 0) return undefined;
  let views: Uint8Array[];
  switch (spec.code) {
    case OpCode.read:
    case OpCode.write: {
      const view = spec.ref0 as Uint8Array;
      // The common case costs one length read: a detached view reads as empty.
      if (view.byteLength >= spec.length && view.byteLength !== 0) return undefined;
      views = [view];
      break;
    }
    case OpCode.readv:
    case OpCode.writev:
      views = spec.ref0 as Uint8Array[];
      break;
    default:
      return undefined;
  }
  let total = 0;
  for (const view of views) {
    if (isDetachedView(view)) {
      return new CorelaneTypeError(
        ErrorCode.INVALID_ARGUMENT,
        `${spec.syscall}: the buffer was detached before the operation was submitted`,
      );
    }
    total += view.byteLength;
  }
  const vector = spec.code === OpCode.readv || spec.code === OpCode.writev;
  if (vector ? total === spec.length : total >= spec.length) return undefined;
  return new CorelaneTypeError(
    ErrorCode.INVALID_ARGUMENT,
    `${spec.syscall}: the buffer ${total < spec.length ? 'shrank' : 'grew'} (its ArrayBuffer was resized) before the operation was submitted`,
  );
}

/** The fault-injection array the package's tests pass (see faults.ts), or undefined. */
function faultsOf(options: object): Int32Array | undefined {
  const value = (options as { [FAULTS]?: unknown })[FAULTS];
  return value instanceof Int32Array && isShared(value) && value.length >= FAULT_SLOTS ? value : undefined;
}

const ECANCELED = constants.errno.ECANCELED;
const ETIME = constants.errno.ETIME;
const EALREADY = constants.errno.EALREADY;
/** Views of ops the kernel never gave back at close() (it may still write into them). */
const neverReleased: unknown[] = [];

/**
 * One io_uring (or its thread-pool stand-in) owned by the thread that created it: the main
 * thread or a worker. Every operation returns a promise; completions arrive through an eventfd
 * that libuv watches, so the thread's event loop keeps running (and stays alive only while
 * operations are in flight).
 */
export class IoRing extends FileOperations<object> {
  readonly #native: NativeRing;
  readonly #entries: number;
  readonly #submitEvery: number;
  readonly #completions: Float64Array;
  readonly #staging = new Staging();
  /** Ops staged or in flight, by id (the descriptor's id, and the native side's index). */
  readonly #pending = new Slots<Pending>();
  readonly #info: IoRingInfo;
  /** Staged ops in staging order (the descriptors' order), so a flush needs no map lookups. */
  #staged: Pending[] = [];
  /** The other list #flush() swaps in, so a submit allocates no array. */
  #spare: Pending[] = [];
  #flushScheduled = false;
  #closed = false;
  #registered: { buffer: ArrayBufferLike; start: number; end: number }[] = [];
  // Held here so the native side may reference it weakly while the ring is idle.
  readonly #onComplete = (count: number): void => this.#settleCompleted(count);
  /** What every batch of this ring calls back into: made once, not per batch. */
  readonly #batchOwner: BatchOwner;
  /** SharedArrayBuffers this ring's reads and writes used, by the index the native side knows. */
  readonly #sharedMemory = new SharedMemoryTable((index, view) => this.#native.shareMemory(index, view) === 0);

  constructor(options?: IoRingOptions) {
    super();
    const o = requireOptions('options', options);
    const entries = o.entries === undefined ? 256 : requireInteger('options.entries', o.entries, 1, 32768);
    const backend = requireOneOf('options.backend', o.backend ?? 'auto', ['auto', 'io_uring', 'threadpool']);
    const threads = o.threads === undefined ? 4 : requireInteger('options.threads', o.threads, 1, 64);
    if (o.submitBatch !== undefined) {
      deprecated('CORELANE_DEP0003', 'IoRing option submitBatch', 'submitEvery');
      if (o.submitEvery !== undefined) {
        throw new CorelaneTypeError(
          ErrorCode.INVALID_ARGUMENT,
          'options.submitBatch is the old name of submitEvery: give one',
        );
      }
    }
    const every = o.submitEvery ?? o.submitBatch;
    const submitEvery =
      every === undefined
        ? 8
        : requireInteger(
            o.submitEvery === undefined ? 'options.submitBatch' : 'options.submitEvery',
            every,
            1,
            entries,
          );
    const quietLinks = optionalBoolean('options.quietLinks', o.quietLinks, false);
    let want = 0;
    if (optionalBoolean('options.singleIssuer', o.singleIssuer, true)) want |= SetupWant.singleIssuer;
    if (optionalBoolean('options.deferTaskrun', o.deferTaskrun, true)) want |= SetupWant.deferTaskrun;
    if (optionalBoolean('options.coopTaskrun', o.coopTaskrun, false)) want |= SetupWant.coopTaskrun;
    let idleMs = 1000;
    if (o.sqpoll !== undefined && o.sqpoll !== false) {
      want |= SetupWant.sqpoll;
      if (typeof o.sqpoll === 'object') {
        const sq = requireOptions('options.sqpoll', o.sqpoll);
        if (sq.idleMs !== undefined) idleMs = requireInteger('options.sqpoll.idleMs', sq.idleMs, 0, 60_000);
      } else {
        optionalBoolean('options.sqpoll', o.sqpoll, false);
      }
    }
    const decision = backendDecision(backend);
    if (native === null || decision.mode === null) {
      throw new CorelaneError(ErrorCode.UNSUPPORTED, `IoRing is not available: ${decision.reason}`);
    }
    this.#entries = entries;
    this.#submitEvery = submitEvery;
    this.#batchOwner = {
      entries,
      quietLinks,
      stage: (spec, resolve, reject) => this.#stage(spec, resolve, reject, true),
      flush: () => this.submit(),
      checkRegistered: (spec) => this.#checkRegistered(spec),
      check: () => this.#check(),
    };
    this.#completions = new Float64Array(2 * Math.max(entries * 2, 64));
    this.#native = new native.Ring({
      mode: decision.mode,
      entries,
      want,
      sqpollIdleMs: idleMs,
      threads,
      completions: this.#completions,
      onComplete: this.#onComplete,
      faults: faultsOf(o),
    });
    const info = this.#native.info();
    if (info.initErrno !== 0) {
      throw systemError('io_uring_queue_init', info.initErrno, 'IoRing({ backend: "io_uring" })');
    }
    this.#info = {
      backend: info.backend as Backend,
      reason:
        info.backend === 'io_uring'
          ? `io_uring set up with ${entries} entries`
          : info.fallbackErrno !== 0
            ? `io_uring_queue_init failed (${errnoName(info.fallbackErrno)}); thread pool of ${threads}`
            : `${decision.reason}; thread pool of ${threads}`,
      setupFlags: kernelSetupFlags.filter(([, bit]) => (info.setupFlags & bit) !== 0).map(([name]) => name),
      refused: info.notes,
      features: info.features,
    };
  }

  /**
   * True: this ring (and its batches) honour `write(..., { dsync: true })`. A library handed a
   * ring it did not make checks this before relying on `dsync`: an IoRing of an
   * `@corelane/uring` from before the option has no such property, and would run the write
   * without RWF_DSYNC.
   */
  get dsyncWrites(): true {
    return true;
  }

  /** The engine running this ring's operations. */
  get backend(): Backend {
    return this.#info.backend;
  }

  /** Which engine runs this ring, why, and the setup flags the kernel accepted. */
  get info(): IoRingInfo {
    return { ...this.#info, setupFlags: [...this.#info.setupFlags] };
  }

  /** Operations submitted or staged and not yet settled. */
  get inFlight(): number {
    return this.#pending.size;
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** @deprecated Since 0.2: use `closed` (CORELANE_DEP0001). */
  get destroyed(): boolean {
    deprecated('CORELANE_DEP0001', 'IoRing.destroyed / destroy()', 'IoRing.closed / close()');
    return this.#closed;
  }

  /** @internal Stages one operation; it is submitted at the end of the turn (or `submitEvery`). */
  protected enqueue(spec: OpSpec): Promise<unknown> {
    this.#check();
    if (spec.inPlace !== undefined) this.#checkRegistered(spec);
    if (spec.signal?.aborted) {
      return Promise.reject(
        new CorelaneError(ErrorCode.CANCELLED, 'the operation was aborted before it started', {
          cause: spec.signal.reason,
        }),
      );
    }
    return new Promise((resolve, reject) => this.#stage(spec, resolve, reject, false));
  }

  /** A batch: queue many operations (linked chains included) and submit them in one call. */
  batch(): Batch {
    this.#check();
    return new Batch(this.#batchOwner);
  }

  /**
   * Hands every staged operation to the kernel now. Single operations are otherwise submitted
   * together at the end of the current microtask turn. Returns how many went.
   */
  submit(): number {
    this.#check();
    return this.#flush();
  }

  /**
   * Settles every operation that has completed, without waiting: one native call, whatever the
   * number of completions. Returns how many were settled. Completions also settle by themselves
   * when the thread's event loop runs; `poll()` is for loops that do not yield to it.
   */
  poll(): number {
    this.#check();
    this.#flush();
    let total = 0;
    for (;;) {
      const count = this.#native.reap();
      this.#settleCompleted(count);
      total += count;
      if (count < this.#completions.length / 2) return total;
    }
  }

  /**
   * Registers files for `{ fixedFile: true }` operations, which then take the file's index in
   * `fds` in place of a descriptor (IORING_REGISTER_FILES). Replaces an earlier registration.
   */
  registerFiles(fds: number[]): void {
    this.#check();
    if (!Array.isArray(fds))
      throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, 'fds must be an array of file descriptors');
    const list = Int32Array.from(fds, (fd, i) => requireFd(fd, `fds[${i}]`));
    const rc = this.#native.registerFiles(list);
    if (rc < 0) throw systemError('io_uring_register_files', -rc, 'registerFiles()');
  }

  /**
   * Registers buffers for `{ registeredBuffer: index }` reads and writes, which the kernel then
   * uses in place (IORING_REGISTER_BUFFERS). Each must be a Uint8Array over a SharedArrayBuffer,
   * which JS can neither detach nor shrink; the ring references them until `close()`.
   */
  registerBuffers(buffers: Uint8Array[]): void {
    this.#check();
    if (!Array.isArray(buffers)) {
      throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, 'buffers must be an array of Uint8Arrays');
    }
    if (buffers.length === 0 || buffers.length > 1024) {
      throw new CorelaneRangeError(
        ErrorCode.OUT_OF_RANGE,
        `buffers must hold 1..1024 Uint8Arrays, got ${buffers.length}`,
      );
    }
    buffers.forEach((b, i) => {
      if (!(b instanceof Uint8Array) || !isShared(b)) {
        throw new CorelaneTypeError(
          ErrorCode.INVALID_ARGUMENT,
          `buffers[${i}] must be a Uint8Array over a SharedArrayBuffer`,
        );
      }
    });
    const rc = this.#native.registerBuffers(buffers);
    if (rc < 0) throw systemError('io_uring_register_buffers', -rc, 'registerBuffers()');
    this.#registered = buffers.map((b) => ({
      buffer: b.buffer,
      start: b.byteOffset,
      end: b.byteOffset + b.byteLength,
    }));
  }

  /**
   * Shuts the ring down: operations in flight are cancelled and their promises reject with
   * `ERR_CORELANE_CANCELLED` (an operation the kernel finished meanwhile settles with its real
   * result). Returns once the kernel has let go of every buffer. Idempotent.
   */
  close(): void;
  /**
   * @deprecated Since 0.2: use `closeFile(fd)`; `close()` without arguments shuts the ring down
   * (CORELANE_DEP0002).
   */
  close(fd: number, options?: OpOptions): Promise<void>;
  close(fd?: number, options?: OpOptions): void | Promise<void> {
    if (fd !== undefined || options !== undefined) {
      deprecated('CORELANE_DEP0002', 'IoRing.close(fd)', 'IoRing.closeFile(fd)');
      return this.closeFile(fd as number, options);
    }
    this.#shutDown();
  }

  /** @deprecated Since 0.2: use `close()` (CORELANE_DEP0001). */
  destroy(): void {
    deprecated('CORELANE_DEP0001', 'IoRing.destroyed / destroy()', 'IoRing.closed / close()');
    this.#shutDown();
  }

  #shutDown(): void {
    if (this.#closed) return;
    this.#closed = true;
    const staged = this.#staged;
    this.#staged = [];
    this.#staging.clear();
    for (const { id } of staged)
      this.#fail(id, new CorelaneError(ErrorCode.CANCELLED, 'the ring was closed before the operation was submitted'));
    for (const pending of this.#pending.values()) pending.cancelled = true;
    // close() settles every op the kernel gave back: each full completion array through
    // #onComplete, the last (partial) one here. So the submitted ops left are those it never
    // gave back, which the native side leaks rather than free (staged ops never reached it).
    // A SharedArrayBuffer view it uses in place has no native reference: keep it alive here.
    this.#settleCompleted(this.#native.close());
    for (const { spec, staged } of this.#pending.values()) if (!staged) neverReleased.push(spec.ref0);
    for (const { id } of this.#pending.values()) {
      this.#fail(id, new CorelaneError(ErrorCode.CANCELLED, 'the ring was closed while the operation was in flight'));
    }
  }

  #check(): void {
    if (this.#closed) throw new CorelaneError(ErrorCode.CLOSED, 'the IoRing was closed');
  }

  #checkRegistered(spec: OpSpec): OpSpec {
    if (spec.inPlace === undefined) return spec;
    const region = this.#registered[spec.a1];
    const view = spec.inPlace;
    if (
      region === undefined ||
      view.buffer !== region.buffer ||
      view.byteOffset < region.start ||
      view.byteOffset + view.byteLength > region.end
    ) {
      throw new CorelaneRangeError(
        ErrorCode.OUT_OF_RANGE,
        `buffer does not lie inside registered buffer ${spec.a1} (registerBuffers() first)`,
      );
    }
    return spec;
  }

  /**
   * Stages one op whose promise settles through `resolve`/`reject`; `batched` ops wait for an
   * explicit submit. A batch checked its registered buffers when each op was queued, and the
   * ring's state before its submit: a throw here, halfway through its submit, would strand the
   * ops after it. An op aborted already is staged all the same, refused, so that its chain
   * breaks at it (a single op aborted already never gets here, see enqueue()).
   */
  #stage(spec: OpSpec, resolve: (value: unknown) => void, reject: (error: unknown) => void, batched: boolean): void {
    const refusal = spec.signal?.aborted
      ? new CorelaneError(ErrorCode.CANCELLED, 'the operation was aborted before it started', {
          cause: spec.signal.reason,
        })
      : undefined;
    // Every field set here, in this order: one hidden class for every op.
    const pending: Pending = {
      id: -1,
      resolve,
      reject,
      spec,
      staged: true,
      cancelled: false,
      refusal,
      onAbort: undefined,
    };
    const id = this.#pending.add(pending);
    pending.id = id;
    if (spec.signal !== undefined && refusal === undefined) {
      pending.onAbort = () => this.#abort(id);
      spec.signal.addEventListener('abort', pending.onAbort, { once: true });
    }
    let { flags, a1, a2 } = spec;
    if ((spec.code === OpCode.read || spec.code === OpCode.write) && (flags & OpFlag.fixedBuffer) === 0) {
      // A view over a SharedArrayBuffer is named by (table index, byte offset): the native side
      // then reads neither the view nor its ref (shared-memory.ts).
      // Its place is read from the view's internal slots, not through getters it may override;
      // a length past the view's true end takes the path where the native side refuses it.
      const view = spec.ref0 as Uint8Array;
      const index = this.#sharedMemory.indexOf(view);
      if (index >= 0 && spec.length <= viewByteLength(view)) {
        flags |= OpFlag.sharedView;
        a1 = index;
        a2 = viewByteOffset(view);
      }
    }
    this.#staging.push(id, spec.code, flags, spec.fd, spec.offset, spec.length, a1, a2, spec.ref0, spec.ref1);
    this.#staged.push(pending);
    if (batched) return;
    // Measured on a 4 KiB random-read loop at depth 32 (O_DIRECT): waiting for the end of the
    // turn let each wake-up's first completions sit unreplaced while the rest were settled,
    // and cost about a third of the throughput; submitting every 8 staged ops recovered it.
    if (this.#staging.count >= this.#submitEvery) {
      this.#flush();
    } else if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      queueMicrotask(() => {
        this.#flushScheduled = false;
        if (!this.#closed) this.#flush();
      });
    }
  }

  #flush(): number {
    const count = this.#staging.count;
    if (count === 0) return 0;
    const staged = this.#staged;
    this.#staged = this.#spare;
    this.#refuse(staged);
    // The native side settles refused ops, and ops done during the submit, before it returns
    // (through #onComplete, which only settles promises: nothing stages ops meanwhile).
    const accepted = this.#native.submit(this.#staging.descriptors, this.#staging.refs, count);
    this.#staging.clear();
    if (accepted < 0) {
      // Only a call the native side cannot read (a bug): nothing of it was taken.
      for (const { id } of staged) this.#fail(id, systemError('io_uring_submit', -accepted, 'submit'));
    }
    staged.length = 0;
    this.#spare = staged;
    return Math.max(accepted, 0);
  }

  // Marks the staged ops that must not run: aborted while staged, or a buffer detached or
  // resized since the call. The native side fails each alone and the rest of its chain with
  // ECANCELED (as the kernel does for a failed link); nothing else staged is affected.
  #refuse(staged: Pending[]): void {
    const d = this.#staging.descriptors;
    const refs = this.#staging.refs;
    for (let i = 0; i < staged.length; i++) {
      const pending = staged[i] as Pending;
      pending.staged = false;
      if (pending.refusal === undefined) {
        if (pending.cancelled) {
          pending.refusal = new CorelaneError(
            ErrorCode.CANCELLED,
            'the operation was aborted before it was submitted',
            {
              cause: pending.spec.signal?.reason,
            },
          );
        } else {
          pending.refusal = bufferRefusal(pending.spec);
          if (pending.refusal === undefined) continue;
        }
      }
      d[i * 8 + 1] = OpCode.refused;
      refs[i * 2] = undefined;
      refs[i * 2 + 1] = undefined;
    }
  }

  #abort(id: number): void {
    const pending = this.#pending.get(id);
    if (pending === undefined || this.#closed) return;
    pending.cancelled = true;
    if (!pending.staged) this.#native.cancel(id); // a staged op is refused at its submit
  }

  #fail(id: number, error: unknown): void {
    const pending = this.#pending.get(id);
    if (pending === undefined) return;
    this.#pending.delete(id);
    if (pending.onAbort !== undefined) pending.spec.signal?.removeEventListener('abort', pending.onAbort);
    pending.reject(error);
  }

  #settleCompleted(count: number): void {
    this.#settle(count);
    // Idle: the table keeps no buffer alive on its own (the next op looks its buffer up again).
    if (this.#pending.size === 0) this.#sharedMemory.forgetLast();
  }

  #settle(count: number): void {
    const c = this.#completions;
    for (let i = 0; i < count; i++) {
      const id = c[2 * i] as number;
      const result = c[2 * i + 1] as number;
      const pending = this.#pending.get(id);
      if (pending === undefined) continue;
      this.#pending.delete(id);
      const { spec } = pending;
      if (pending.onAbort !== undefined) spec.signal?.removeEventListener('abort', pending.onAbort);
      if (result >= 0) {
        pending.resolve(resultValue(spec, result));
      } else if (pending.refusal !== undefined) {
        pending.reject(pending.refusal);
      } else if (result <= REFUSED_RESULT) {
        pending.reject(systemError('io_uring_submit', REFUSED_RESULT - result, spec.syscall));
      } else if (spec.code === OpCode.timeout && result === -ETIME) {
        pending.resolve(undefined);
      } else if (spec.code === OpCode.linkTimeout && (result === -ETIME || result === -EALREADY)) {
        pending.resolve(true); // expired: it cancelled its op (ETIME) or came too late to (EALREADY)
      } else if (spec.code === OpCode.linkTimeout && result === -ECANCELED && !pending.cancelled) {
        pending.resolve(false); // its op finished, or never started, in time
      } else if (result === -ECANCELED && pending.cancelled) {
        const why = this.#closed ? 'the ring was closed while it was in flight' : 'its AbortSignal was aborted';
        pending.reject(
          new CorelaneError(ErrorCode.CANCELLED, `${spec.syscall} was cancelled: ${why}`, {
            cause: spec.signal?.reason,
          }),
        );
      } else {
        pending.reject(new FileSystemError(-result, spec.syscall, spec.path, spec.dest));
      }
    }
  }
}
