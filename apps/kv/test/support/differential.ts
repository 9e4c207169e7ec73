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
      if (a === undefined || b === undefined || !sameReply(argv, a, b)) {
        out.push({ index, argv, ours: a ? show(a) : '(none)', theirs: b ? show(b) : '(none)' });
      }
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
