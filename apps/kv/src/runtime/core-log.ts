// A core's write-ahead log (`@corelane/reactor/wal`, under `<dir>/core-<i>`): every write
// record of its shard, AOF-style (absolute expiries, random effects as what happened), appended
// with group commit; and its checkpoints (`<seq>.ckpt` beside the segments, the reactor's
// checkpoint file), which keep the log bounded as AOF rewrite does. Start = restore the newest
// checkpoint, then replay the records after it.
//
// Why not `DurableState`: it applies a record once it is durable, and its checkpoint covers the
// records applied so far. A shard applies a command first (its reply is computed then) and logs
// it after, so a snapshot holds records not yet durable: the checkpoint's seq must be that of the
// last record *appended* before the snapshot, or recovery would apply those records twice.
import { mkdirSync } from 'node:fs';
import { newestCheckpoint, Wal, writeCheckpoint } from '@corelane/reactor/wal';
import { IoRing } from '@corelane/uring';
import type { Shard, WriteRecord } from '../commands/engine.js';
import { decodeRecord, encodeRecord } from '../commands/record-codec.js';

/** Redis's `appendfsync`. */
export type AppendFsync = 'always' | 'everysec' | 'no';

/** When a core checkpoints its shard; 0 disables a bound. */
export interface CheckpointPolicy {
  /**
   * Log bytes since the last checkpoint. As Redis's auto-aof-rewrite (min-size, percentage
   * 100), the bound is the larger of this and the last snapshot's size, so a big shard is not
   * rewritten after every few writes.
   */
  bytes: number;
  /** Records since the last checkpoint. */
  records: number;
}

/** Options of {@link CoreLog.open}. */
export interface CoreLogOptions {
  checkpoint: CheckpointPolicy;
  /** Bytes of each WAL segment (the unit truncation removes); the reactor's default when absent. */
  segmentBytes?: number;
}

/** What a core's start found: the checkpoint restored and the records replayed after it. */
export interface CoreLogRecovery {
  checkpointSeq: number;
  records: number;
}

/** Redis's policies as the WAL's: always = fdatasync before the ack, everysec = every 1000 ms, no = the OS's. */
function walOptions(
  policy: AppendFsync,
): { fsync: 'always' } | { fsync: 'interval'; intervalMs: number } | { fsync: 'none' } {
  if (policy === 'always') return { fsync: 'always' };
  if (policy === 'everysec') return { fsync: 'interval', intervalMs: 1000 };
  return { fsync: 'none' };
}

/** One core's log of write records, and its checkpoints. */
export class CoreLog {
  private shard: Shard | null = null;
  /** The last append: its seq is the one a snapshot taken now covers. */
  private lastAppend: Promise<number> | null = null;
  private checkpointSeq = 0;
  private sinceRecords = 0;
  private sinceBytes = 0;
  /** The last snapshot's size: the byte bound grows with the shard (see CheckpointPolicy.bytes). */
  private snapshotBytes = 0;
  private checkpointing: Promise<void> | null = null;
  private closing = false;
  /** Checkpoints written since start (INFO-style counters, and what tests read). */
  checkpoints = 0;
  /** The error of the last checkpoint, or null: the log still holds everything then. */
  checkpointError: unknown = null;

  private constructor(
    private readonly dir: string,
    private readonly wal: Wal,
    private readonly ring: IoRing,
    private readonly policy: CheckpointPolicy,
  ) {}

  static async open(dir: string, fsync: AppendFsync, options: CoreLogOptions): Promise<CoreLog> {
    mkdirSync(dir, { recursive: true });
    const ring = new IoRing();
    try {
      const wal = await Wal.open(dir, {
        ...walOptions(fsync),
        ring,
        ...(options.segmentBytes !== undefined ? { segmentSize: options.segmentBytes } : {}),
      });
      return new CoreLog(dir, wal, ring, options.checkpoint);
    } catch (e) {
      ring.close();
      throw e;
    }
  }

  /** Rebuilds `shard` from the newest checkpoint and the records after it; checkpoints it from then on. */
  async recover(shard: Shard): Promise<CoreLogRecovery> {
    const checkpoint = await newestCheckpoint(this.dir);
    const from = checkpoint === null ? 1 : checkpoint.seq + 1;
    // The log must continue the checkpoint: records missing between them would be lost writes.
    if (this.wal.firstSeq > from || this.wal.lastSeq < from - 1) {
      throw new Error(
        `corelane-kv: the log in ${this.dir} holds seq ${this.wal.firstSeq}..${this.wal.lastSeq}, ` +
          `the ${checkpoint === null ? 'empty shard' : 'checkpoint'} needs it to continue from ${from}`,
      );
    }
    if (checkpoint !== null) {
      shard.restore(checkpoint.snapshot);
      this.snapshotBytes = checkpoint.snapshot.length;
    }
    this.checkpointSeq = from - 1;
    const result = await this.wal.replay(({ data }) => shard.apply(decodeRecord(data)), { from });
    this.sinceRecords = result.records;
    this.sinceBytes = result.bytes;
    this.shard = shard;
    return { checkpointSeq: this.checkpointSeq, records: result.records };
  }

  /**
   * Appends `records` (one group commit for the appends of one turn); resolves once the last is
   * durable under the policy: the write's reply waits for it.
   */
  append(records: WriteRecord[]): Promise<unknown> {
    let last: Promise<number> | undefined;
    for (const r of records) {
      const bytes = encodeRecord(r);
      last = this.wal.append(bytes);
      this.sinceBytes += bytes.length;
    }
    this.sinceRecords += records.length;
    this.lastAppend = last as Promise<number>;
    if (this.checkpointing === null && this.due()) this.checkpointing = this.background();
    return last as Promise<number>;
  }

  private due(): boolean {
    const { bytes, records } = this.policy;
    return (
      (records > 0 && this.sinceRecords >= records) ||
      (bytes > 0 && this.sinceBytes >= Math.max(bytes, this.snapshotBytes))
    );
  }

  /** A checkpoint after the turn that made it due (its replies go out first). */
  private async background(): Promise<void> {
    await new Promise((r) => setImmediate(r));
    try {
      if (!this.closing) await this.write();
      this.checkpointError = null;
    } catch (e) {
      this.checkpointError = e;
    } finally {
      this.checkpointing = null;
    }
  }

  /**
   * Snapshot (synchronous: the shard as of the last append), then once that append is durable,
   * the checkpoint file (temp, fsync, rename, dir fsync), then the segments it covers removed.
   * A crash at any point leaves the previous checkpoint + a log that continues it.
   */
  private async write(): Promise<void> {
    const shard = this.shard;
    if (shard === null) throw new Error('corelane-kv: checkpoint before recover()');
    const snapshot = shard.snapshot();
    const covered = this.lastAppend;
    const records = this.sinceRecords;
    const bytes = this.sinceBytes;
    const seq = covered === null ? this.wal.lastSeq : await covered;
    // Under everysec/no the append resolved before its fdatasync: the checkpoint may only cover
    // records the log holds durably, or a crash could leave it ahead of a shorter log.
    await this.wal.sync();
    if (seq > this.checkpointSeq) {
      await writeCheckpoint(this.ring, this.dir, seq, snapshot, () => {});
      this.checkpointSeq = seq;
      this.checkpoints++;
    }
    this.snapshotBytes = snapshot.length;
    this.sinceRecords -= records;
    this.sinceBytes -= bytes;
    await this.wal.truncateBefore(seq + 1);
  }

  /** WAL segment files now (bounded once checkpoints run). */
  get segments(): number {
    return this.wal.segments;
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.checkpointing;
    try {
      await this.wal.close();
    } finally {
      this.ring.close();
    }
  }
}
