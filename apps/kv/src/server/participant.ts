// A core as one owner in a cross-core command (the coordinator's view, `Participant`, and the
// owner's side, `TxHost`): lock the command's keys this core owns and hand their state over,
// apply and log the piece of writes the coordinator computed, release (and maybe park the
// client until one of the keys gets elements). The coordinator's own core is a participant
// like the others, called directly instead of through the mesh.
import { CorelaneError, ErrorCode } from '@corelane/shared';
import type { Session } from '../commands/context.js';
import type { WriteRecord } from '../commands/engine.js';
import type { Reply } from '../resp/reply.js';
import type { Row } from '../store/snapshot.js';
import type { KeyGate } from './key-gate.js';
import { rowsBytes, snapshotKeys } from './key-state.js';
import type { ShardDispatcher } from './shard-dispatcher.js';

/**
 * What a lock reads of its keys: their values (`'values'`); only whether each is there and its
 * expiry (`'presence'`: a command that counts or deletes keys without reading them, DEL,
 * UNLINK, EXISTS, TOUCH), which never copies a large value; or nothing (`'none'`: one that
 * overwrites them unread, MSET).
 */
export type LockRead = 'values' | 'presence' | 'none';

/** What an owner hands the coordinator once the keys are locked. */
export interface Grant {
  /** The keys' values and expiries ({@link snapshotKeys}); none when the lock asked not to read them. */
  readonly rows: Row[];
  /** EXEC: a key the session WATCHes on this core changed or expired since WATCH. */
  readonly dirty: boolean;
}

/** How a transaction ends on one owner. */
export interface ReleaseOptions {
  /** EXEC: forget every key the session WATCHes on this core. */
  readonly unwatch: boolean;
  /** A blocking command found nothing: tell the coordinator (`onReady`) once one of these keys gets elements. */
  readonly park: string[] | null;
}

/** One owner of a cross-core command's keys, as the coordinator sees it. */
export interface Participant {
  /**
   * Locks `keys` for transaction `tx` (in arrival order) and reads them as `read` says
   * ({@link LockRead}); `watch`: also
   * check the session's WATCHes. `whole`: lock (and read) this owner's whole keyspace instead,
   * for an EXEC whose queue reads or empties it (FLUSHALL, DBSIZE, KEYS… inside MULTI).
   */
  lock(tx: string, keys: string[], session: Session, watch: boolean, read: LockRead, whole?: boolean): Promise<Grant>;
  /**
   * Locks this owner's whole keyspace for `tx` (in arrival order) and runs `argv` there (FLUSHALL,
   * DBSIZE, KEYS…); its reply, once durable. The keyspace stays locked until the release.
   */
  runWhole(tx: string, argv: string[], session: Session): Promise<Reply>;
  /** Applies and logs this owner's piece; resolves once durable under the fsync policy. */
  write(tx: string, records: WriteRecord[]): Promise<void>;
  /** Releases `tx`'s keys (and parks, unwatches: {@link ReleaseOptions}). */
  release(tx: string, session: Session, options: ReleaseOptions): void;
  /**
   * A blind write's last owner (MSET: {@link TxHost.commit}): applies and logs `records` of
   * `tx` (which holds its locks here), then releases, in one step. Resolves once durable and
   * released.
   */
  commit(tx: string, records: WriteRecord[]): Promise<void>;
  /** Forgets `tx`'s park (the client was served elsewhere, timed out or left). */
  unpark(tx: string): void;
}

/** The owner's side: this core's gate and shard. */
export class TxHost {
  /** The parks of transactions, by id: each forgets its notify waiter. */
  private readonly parks = new Map<string, () => void>();

  constructor(
    readonly gate: KeyGate,
    readonly shard: ShardDispatcher,
  ) {}

  /**
   * Locks `keys` for `tx` (`whole`: every key of this core) and reads them as `read` says;
   * `watcher`: the session whose WATCHes on this core EXEC checks.
   * @throws `CorelaneError` `ERR_CORELANE_RECORD_TOO_LARGE` when the rows could take more than
   *   `maxRowsBytes` (what one message to the coordinator may carry), having released the lock:
   *   the transaction fails before any owner writes.
   */
  async lock(
    tx: string,
    keys: string[],
    watcher: Session | null,
    read: LockRead,
    whole = false,
    maxRowsBytes = Number.POSITIVE_INFINITY,
  ): Promise<Grant> {
    await this.gate.lock(tx, keys, whole);
    const shard = this.shard.shard;
    const rows =
      read === 'none' ? [] : snapshotKeys(shard.db, whole ? shard.db.data.keys() : new Set(keys), read === 'presence');
    if (maxRowsBytes !== Number.POSITIVE_INFINITY) {
      const bytes = rowsBytes(rows);
      if (bytes > maxRowsBytes) {
        // Proof obligation: the coordinator releases only the owners that granted; this one
        // never did, so it opens its keys itself, before it answers.
        this.gate.unlock(tx);
        throw new CorelaneError(
          ErrorCode.RECORD_TOO_LARGE,
          `the keys this command reads on one core take up to ${bytes} bytes, more than the ${maxRowsBytes} one message between cores may carry; nothing was changed`,
        );
      }
    }
    // Under appendfsync always a read answers after the writes before it are durable, as a
    // local one does (ShardDispatcher.dispatch): the coordinator replies with what it read here.
    // The key stays locked meanwhile, so what was read cannot change.
    if (read !== 'none') await this.shard.readsAfter;
    return { rows, dirty: watcher !== null && shard.watchChanged(watcher, shard.clock()) };
  }

  /** Locks the whole keyspace for `tx`, then runs `argv` on the shard (as `session`, once `prepare`d). */
  async runWhole(tx: string, argv: string[], session: Session, prepare: () => void = () => {}): Promise<Reply> {
    await this.gate.lock(tx, [], true);
    prepare();
    // On the shard itself: the gate holds every key for `tx`.
    return this.shard.dispatch(argv, session).reply;
  }

  /** Applies `records` (only while `tx` holds its locks); the durability to wait for. */
  async write(tx: string, records: WriteRecord[]): Promise<void> {
    if (!this.gate.holds(tx)) throw new Error(`corelane-kv: transaction ${tx} holds no locks here`);
    await this.shard.applyRecords(records);
  }

  /** Ends `tx` here; `onReady` is how a park tells the coordinator. */
  release(tx: string, session: Session | null, options: ReleaseOptions, onReady: () => void): void {
    if (options.unwatch && session !== null) this.shard.shard.unwatch(session);
    // Parked before the keys open: a push queued behind the locks runs after and wakes it. A
    // park that fired stays (holding back the clients parked after it) until `unpark`.
    if (options.park !== null && options.park.length > 0) {
      this.parks.set(tx, this.shard.notifyReady(options.park, onReady));
    }
    this.gate.unlock(tx);
  }

  /**
   * Applies and logs `records` of `tx` and releases, in one step: a blind write's last owner
   * (MSET, whose pieces need no read), locked by {@link lock} like every owner. Proof
   * obligation: the keys open only once the piece is applied and durable, so no reader sees it
   * half; the coordinator keeps its other owners locked until this resolves.
   */
  async commit(tx: string, records: WriteRecord[]): Promise<void> {
    try {
      await this.write(tx, records);
    } finally {
      this.gate.unlock(tx);
    }
  }

  /** Forgets `tx`'s park, and serves the clients it held back. */
  unpark(tx: string): void {
    const forget = this.parks.get(tx);
    this.parks.delete(tx);
    forget?.();
  }

  /** How many parks of other cores' clients this core holds (tests). */
  get parked(): number {
    return this.parks.size;
  }

  /** Coordinator core `core` restarted: its locks and parks die with the old one. */
  reset(core: number): void {
    const prefix = `${core}:`;
    for (const [tx, forget] of this.parks) {
      if (!tx.startsWith(prefix)) continue;
      this.parks.delete(tx);
      forget();
    }
    this.gate.dropHolders(prefix);
  }
}

/** The coordinator's own core as a participant: direct calls. */
export class LocalParticipant implements Participant {
  /** `onReady(tx)`: the coordinator's handler of a park that fired. */
  constructor(
    private readonly host: TxHost,
    private readonly onReady: (tx: string) => void,
  ) {}

  lock(tx: string, keys: string[], session: Session, watch: boolean, read: LockRead, whole = false): Promise<Grant> {
    // No bound: the rows stay on this thread.
    return this.host.lock(tx, keys, watch ? session : null, read, whole);
  }

  runWhole(tx: string, argv: string[], session: Session): Promise<Reply> {
    return this.host.runWhole(tx, argv, session);
  }

  write(tx: string, records: WriteRecord[]): Promise<void> {
    return this.host.write(tx, records);
  }

  release(tx: string, session: Session, options: ReleaseOptions): void {
    this.host.release(tx, session, options, () => this.onReady(tx));
  }

  commit(tx: string, records: WriteRecord[]): Promise<void> {
    return this.host.commit(tx, records);
  }

  unpark(tx: string): void {
    this.host.unpark(tx);
  }
}
