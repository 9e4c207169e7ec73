import { mkdir } from 'node:fs/promises';
import { join, resolve as resolvePath } from 'node:path';
import { CorelaneError, CorelaneTypeError, ErrorCode, requireOneOf, requireOptions } from '@corelane/shared';
import { IoRing } from '@corelane/uring';
import { WalCorruptError } from '../wal/errors.js';
import type { FsyncPolicy, WalOptions } from '../wal/options.js';
import { Wal } from '../wal/wal.js';
import { resolveCheckpointEvery } from './checkpoint-every.js';
import { type CheckpointStep, newestCheckpoint, writeCheckpoint } from './checkpoint-file.js';
import { msgpackCodec, type RecordCodec } from './codec.js';

/** The reducer a `DurableState` runs: `apply` is the only way the state changes. */
export interface StateSpec<S, R> {
  /** The state of an empty log. */
  init(): S;
  /**
   * Applies one record; returns the new state, or nothing when it changed `state` in place.
   * Must be deterministic and must not throw: recovery applies the same records again.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a reducer that changes the state in place returns nothing
  apply(state: S, record: R): S | void;
  /** The state as bytes, for a checkpoint; taken synchronously (the bytes must not change later). */
  snapshot(state: S): Uint8Array;
  /** The state from `snapshot()`'s bytes. */
  restore(bytes: Uint8Array): S;
}

/** Options of `DurableState.open()`. */
export interface DurableStateOptions<R> {
  /** When a commit is durable; see `FsyncPolicy` of `@corelane/reactor/wal`. */
  fsync: FsyncPolicy;
  /** With `fsync: 'interval'`: milliseconds between fdatasyncs. */
  intervalMs?: number;
  /** Checkpoint by itself (in the background) once this many records or log bytes followed the last one. */
  checkpointEvery?: { records?: number; bytes?: number };
  /** Record ⇄ bytes; default MessagePack (msgpackr). */
  codec?: RecordCodec<R>;
  /** Options of the WAL under `<dir>/wal` (segment size, group size, the ring, the backend). */
  wal?: Omit<WalOptions, 'fsync' | 'intervalMs'>;
  /** @internal Test hook: called after every step of a checkpoint (crash-injection tests). */
  testHooks?: { checkpointStep?(step: CheckpointStep): void };
}

/**
 * Durable state as a deterministic reducer over a write-ahead log: `commit(record)` logs the
 * record, and once it is durable under the fsync policy applies it to `state` and resolves.
 * `checkpoint()` stores a snapshot and drops the log before it. `open()` restores the newest
 * complete checkpoint, then applies every record after it. One instance per directory.
 */
export class DurableState<S, R> {
  readonly #dir: string;
  readonly #spec: StateSpec<S, R>;
  readonly #codec: RecordCodec<R>;
  readonly #wal: Wal;
  readonly #ring: IoRing;
  readonly #ownsRing: boolean;
  readonly #every: { records: number; bytes: number };
  readonly #hook: (step: CheckpointStep) => void;
  #state: S;
  #appliedSeq: number;
  #checkpointSeq: number;
  #sinceRecords = 0;
  #sinceBytes = 0;
  #checkpointing: Promise<void> | null = null;
  #autoError: unknown = null;
  #closing = false;

  private constructor(
    dir: string,
    spec: StateSpec<S, R>,
    codec: RecordCodec<R>,
    wal: Wal,
    ring: IoRing,
    ownsRing: boolean,
    every: { records: number; bytes: number },
    hook: (step: CheckpointStep) => void,
    state: S,
    checkpointSeq: number,
  ) {
    this.#dir = dir;
    this.#spec = spec;
    this.#codec = codec;
    this.#wal = wal;
    this.#ring = ring;
    this.#ownsRing = ownsRing;
    this.#every = every;
    this.#hook = hook;
    this.#state = state;
    this.#appliedSeq = wal.lastSeq;
    this.#checkpointSeq = checkpointSeq;
  }

  /**
   * Opens (or creates) the state in `dir`: restores the newest complete checkpoint, then applies
   * every record the log holds after it. Rejects with `ERR_CORELANE_WAL_CORRUPT` when the log
   * does not continue the checkpoint (records missing between them) or is damaged before its tail.
   */
  static async open<S, R>(
    dir: string,
    spec: StateSpec<S, R>,
    options: DurableStateOptions<R>,
  ): Promise<DurableState<S, R>> {
    if (typeof dir !== 'string' || dir.length === 0) {
      throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, 'dir must be a non-empty path');
    }
    for (const name of ['init', 'apply', 'snapshot', 'restore'] as const) {
      if (typeof spec?.[name] !== 'function') {
        throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, `spec.${name} must be a function`);
      }
    }
    const o = requireOptions('options', options);
    const fsync = requireOneOf('options.fsync', o.fsync, ['always', 'interval', 'none'] as const);
    const { records, bytes } = resolveCheckpointEvery('options.checkpointEvery', o.checkpointEvery);
    const codec = o.codec ?? msgpackCodec<R>();
    if (typeof codec.encode !== 'function' || typeof codec.decode !== 'function') {
      throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, 'options.codec must have encode() and decode()');
    }
    const walOptions = requireOptions('options.wal', o.wal);
    const hook = o.testHooks?.checkpointStep ?? (() => {});

    const path = resolvePath(dir);
    await mkdir(path, { recursive: true });
    // As the Wal's own ring (wal.ts): it only writes and syncs, so no DEFER_TASKRUN, and quiet links.
    const ring =
      walOptions.ring ?? new IoRing({ backend: walOptions.backend ?? 'auto', deferTaskrun: false, quietLinks: true });
    const ownsRing = walOptions.ring === undefined;
    let wal: Wal | undefined;
    try {
      // The log first: its directory lock keeps a second opener from touching the checkpoints
      // (newestCheckpoint() removes the temporary file of a checkpoint in progress).
      wal = await Wal.open(join(path, 'wal'), {
        ...walOptions,
        fsync,
        ...(o.intervalMs === undefined ? {} : { intervalMs: o.intervalMs }),
        ring,
      });
      const checkpoint = await newestCheckpoint(path);
      const from = checkpoint === null ? 1 : checkpoint.seq + 1;
      if (wal.firstSeq > from || wal.lastSeq < from - 1) {
        throw new WalCorruptError(
          checkpoint?.path ?? join(path, 'wal'),
          0,
          'sequence',
          `the log holds seq ${wal.firstSeq}..${wal.lastSeq}, the ${checkpoint === null ? 'empty state' : 'checkpoint'} needs it to continue from ${from}`,
        );
      }
      let state = checkpoint === null ? spec.init() : spec.restore(checkpoint.snapshot);
      await wal.replay(
        ({ data }) => {
          const next = spec.apply(state, codec.decode(data));
          if (next !== undefined) state = next as S;
        },
        { from },
      );
      return new DurableState(path, spec, codec, wal, ring, ownsRing, { records, bytes }, hook, state, from - 1);
    } catch (error) {
      await wal?.close().catch(() => {});
      if (ownsRing) ring.close();
      throw error;
    }
  }

  /** The state: every durable record applied, in order. Change it only through `commit()`. */
  get state(): S {
    return this.#state;
  }

  /** Sequence number of the last record applied to `state`. */
  get appliedSeq(): number {
    return this.#appliedSeq;
  }

  /** The last record the newest checkpoint covers (0 when none was taken). */
  get checkpointSeq(): number {
    return this.#checkpointSeq;
  }

  /** The error of the last background checkpoint (`checkpointEvery`), or null. The log still holds everything. */
  get checkpointError(): unknown {
    return this.#autoError;
  }

  /** The log underneath (for its `backend`, `segments`, `recovery`). */
  get wal(): Wal {
    return this.#wal;
  }

  /**
   * Logs `record` (encoded by the codec), then, once it is durable under the fsync policy,
   * applies it to `state` (as the codec decodes it, exactly what recovery will apply) and
   * resolves. Concurrent commits share group commits and apply in the order they were made.
   * Rejects, leaving `state` untouched, when the log could not take the record.
   */
  commit(record: R): Promise<void> {
    if (this.#closing) throw new CorelaneError(ErrorCode.CLOSED, 'the DurableState was closed');
    const bytes = this.#codec.encode(record);
    const decoded = this.#codec.decode(bytes);
    return this.#wal.append(bytes).then((seq) => {
      const next = this.#spec.apply(this.#state, decoded);
      if (next !== undefined) this.#state = next as S;
      this.#appliedSeq = seq;
      this.#sinceRecords++;
      this.#sinceBytes += bytes.length;
      this.#maybeCheckpoint();
    });
  }

  /**
   * Stores a snapshot of `state` durably (temporary file, fsync, rename, directory fsync), then
   * drops the log segments it covers. Calls made while one runs wait for it, then take their own.
   */
  checkpoint(): Promise<void> {
    if (this.#closing) return Promise.reject(new CorelaneError(ErrorCode.CLOSED, 'the DurableState was closed'));
    const run = (this.#checkpointing ?? Promise.resolve()).catch(() => {}).then(() => this.#checkpoint());
    this.#checkpointing = run;
    run.then(
      () => {
        if (this.#checkpointing === run) this.#checkpointing = null;
      },
      () => {
        if (this.#checkpointing === run) this.#checkpointing = null;
      },
    );
    return run;
  }

  /** Waits for a running checkpoint, closes the log and (unless given one) the ring. Idempotent. */
  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    await this.#checkpointing?.catch(() => {});
    try {
      await this.#wal.close();
    } finally {
      if (this.#ownsRing) this.#ring.close();
    }
  }

  async #checkpoint(): Promise<void> {
    const seq = this.#appliedSeq;
    const snapshot = this.#spec.snapshot(this.#state);
    if (!(snapshot instanceof Uint8Array)) {
      throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, 'spec.snapshot() must return a Uint8Array');
    }
    const recordsAtSnapshot = this.#sinceRecords;
    const bytesAtSnapshot = this.#sinceBytes;
    this.#hook('snapshot');
    // The checkpoint may only cover records the log holds durably, whatever the policy.
    await this.#wal.sync();
    this.#hook('wal-synced');
    await writeCheckpoint(this.#ring, this.#dir, seq, snapshot, this.#hook);
    this.#checkpointSeq = seq;
    this.#sinceRecords -= recordsAtSnapshot;
    this.#sinceBytes -= bytesAtSnapshot;
    await this.#wal.truncateBefore(seq + 1);
    this.#hook('wal-truncated');
  }

  #maybeCheckpoint(): void {
    if (this.#checkpointing !== null || this.#closing) return;
    const { records, bytes } = this.#every;
    if ((records > 0 && this.#sinceRecords >= records) || (bytes > 0 && this.#sinceBytes >= bytes)) {
      this.checkpoint().then(
        () => {
          this.#autoError = null;
        },
        (error: unknown) => {
          this.#autoError = error;
        },
      );
    }
  }
}
