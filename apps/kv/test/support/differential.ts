// Sends the same commands to redis-server and to corelane-kv and compares every reply.

import { sameReply, show } from './compare.js';
import { RawClient, type RedisPeer, startKv, startRedis } from './peers.js';

/** A mismatch: the command, and what each server answered. */
export interface Mismatch {
  index: number;
  argv: readonly string[];
  ours: string;
  theirs: string;
}

/** A corelane-kv to compare: in this process, or a `corelane-kv` process on the runtime. */
export interface KvPeer {
  readonly port: number;
  close(): Promise<void>;
}

/** Both servers, one connection to each. */
export class Differential {
  /** The commands of the open transaction (MULTI … EXEC) redis-server queued; null outside one. */
  private queued: (readonly string[])[] | null = null;

  private constructor(
    private readonly redis: RedisPeer,
    private readonly kv: KvPeer,
    readonly theirs: RawClient,
    readonly ours: RawClient,
  ) {}

  /** Starts redis-server and corelane-kv (`start`: how; default one shard in this process). */
  static async start(start: () => Promise<KvPeer> = startKv): Promise<Differential> {
    const redis = await startRedis();
    const kv = await start();
    return new Differential(redis, kv, await RawClient.connect(redis.port), await RawClient.connect(kv.port));
  }

  get redisPort(): number {
    return this.redis.port;
  }

  get kvPort(): number {
    return this.kv.port;
  }

  /** Runs `commands` pipelined on both; returns the mismatches (empty = identical). */
  async run(commands: readonly (readonly string[])[]): Promise<Mismatch[]> {
    const [theirs, ours] = await Promise.all([this.theirs.pipeline(commands), this.ours.pipeline(commands)]);
    const out: Mismatch[] = [];
    commands.forEach((argv, index) => {
      const a = ours[index];
      const b = theirs[index];
      const name = (argv[0] as string).toLowerCase();
      const queued = name === 'exec' ? this.queued : null;
      if (a === undefined || b === undefined || !sameReply(argv, a, b, queued)) {
        out.push({ index, argv, ours: a ? show(a) : '(none)', theirs: b ? show(b) : '(none)' });
      }
      // What redis-server queued of the transaction (its replies say), for comparing EXEC's.
      if (name === 'exec' || name === 'discard') this.queued = null;
      else if (name === 'multi' && this.queued === null)
        this.queued = b?.raw.toString('latin1') === '+OK\r\n' ? [] : null;
      else if (this.queued !== null && b?.raw.toString('latin1') === '+QUEUED\r\n') this.queued.push(argv);
    });
    return out;
  }

  /** Leaves any transaction and empties both keyspaces. */
  async reset(): Promise<void> {
    await this.run([['DISCARD'], ['FLUSHALL']]);
  }

  async stop(): Promise<void> {
    this.theirs.close();
    this.ours.close();
    await Promise.all([this.redis.stop(), this.kv.close()]);
  }
}
