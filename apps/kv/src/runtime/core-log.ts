// A core's write-ahead log (`@corelane/reactor/wal`, under `<dir>/core-<i>`): every write
// record of its shard, AOF-style (absolute expiries, random effects as what happened), appended
// with group commit; replayed into the shard when the core starts.
import { mkdirSync } from 'node:fs';
import { Wal } from '@corelane/reactor/wal';
import type { Shard, WriteRecord } from '../commands/engine.js';
import { decodeRecord, encodeRecord } from '../commands/record-codec.js';

/** Redis's `appendfsync`. */
export type AppendFsync = 'always' | 'everysec' | 'no';

/** Redis's policies as the WAL's: always = fdatasync before the ack, everysec = every 1000 ms, no = the OS's. */
function walOptions(
  policy: AppendFsync,
): { fsync: 'always' } | { fsync: 'interval'; intervalMs: number } | { fsync: 'none' } {
  if (policy === 'always') return { fsync: 'always' };
  if (policy === 'everysec') return { fsync: 'interval', intervalMs: 1000 };
  return { fsync: 'none' };
}

/** One core's log of write records. */
export class CoreLog {
  private constructor(private readonly wal: Wal) {}

  static async open(dir: string, policy: AppendFsync): Promise<CoreLog> {
    mkdirSync(dir, { recursive: true });
    return new CoreLog(await Wal.open(dir, walOptions(policy)));
  }

  /** Rebuilds `shard` from the log; the number of records applied. */
  async replay(shard: Shard): Promise<number> {
    const result = await this.wal.replay(({ data }) => shard.apply(decodeRecord(data)));
    return result.records;
  }

  /**
   * Appends `records` (one group commit for the appends of one turn); resolves once the last is
   * durable under the policy: the write's reply waits for it.
   */
  append(records: WriteRecord[]): Promise<unknown> {
    let last: Promise<number> | undefined;
    for (const r of records) last = this.wal.append(encodeRecord(r));
    return last as Promise<number>;
  }

  close(): Promise<void> {
    return this.wal.close();
  }
}
