// Commands routed to the core owning their keys, with the other core's replies arriving later
// (as through the mesh): the replies of a pipeline still come back in order, byte for byte
// those of redis-server 7.0.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Session } from '../src/commands/context.js';
import type { Reply } from '../src/resp/reply.js';
import { routeCommand } from '../src/route.js';
import type { Dispatcher } from '../src/server/dispatcher.js';
import { RoutingDispatcher } from '../src/server/routing-dispatcher.js';
import { ShardDispatcher } from '../src/server/shard-dispatcher.js';
import { hashCommands, listCommands, setCommands, stringCommands } from './support/arbitraries.js';
import { sameReply, show } from './support/compare.js';
import { bothConnected, RawClient, startKv } from './support/peers.js';

/** A core reached through the mesh: every reply a macrotask later. */
class RemoteCore implements Dispatcher {
  constructor(private readonly core: Dispatcher) {}
  get maxBulkBytes(): number {
    return this.core.maxBulkBytes;
  }
  dispatch(argv: string[], session: Session): { reply: Promise<Reply>; blocking: boolean } {
    const { reply, blocking } = this.core.dispatch(argv, session);
    return { reply: new Promise((resolve) => setImmediate(() => resolve(reply))), blocking };
  }
  disconnect(session: Session): void {
    this.core.disconnect(session);
  }
}

const singleCore = (argv: string[]) => {
  const owner = routeCommand(argv, 2);
  return owner !== -1 && owner !== null;
};

describe('routing over two cores, the second one remote', () => {
  const peers = bothConnected({
    dispatcher: (hooks) => {
      const local = new ShardDispatcher({ hooks });
      const remote = new ShardDispatcher({ hooks });
      return new RoutingDispatcher(0, [local, new RemoteCore(remote)]);
    },
  });

  it('keys of both cores exist (the test routes somewhere)', () => {
    expect(new Set(['k0', 'k1', 'k2', 'k3'].map((k) => routeCommand(['GET', k], 2)))).toEqual(new Set([0, 1]));
  });

  it('keys that differ only in their digits spread over the cores (redis-benchmark key:<12 digits>)', () => {
    for (const cores of [2, 3, 4]) {
      const counts = new Array<number>(cores).fill(0);
      for (let i = 0; i < 4000; i++) {
        const owner = routeCommand(['GET', `key:${String(i * 25).padStart(12, '0')}`], cores) as number;
        counts[owner] = (counts[owner] as number) + 1;
      }
      // Each core owns a fair share (4000 / cores, give or take 10 %).
      for (const n of counts) expect(n, `${cores} cores: ${counts}`).toBeGreaterThan((4000 / cores) * 0.9);
    }
  });

  it('pipelines mixing both cores answer in order, as redis-server does (100 sequences)', async () => {
    const command = fc
      .oneof(...[...stringCommands, ...listCommands, ...hashCommands, ...setCommands])
      .filter(singleCore);
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 30 }), async (commands) => {
        const wipe = ['k0', 'k1', 'k2', 'k3'].map((k) => ['DEL', k]);
        await Promise.all([peers.theirs.pipeline(wipe), peers.ours.pipeline(wipe)]);
        const [a, b] = await Promise.all([peers.theirs.pipeline(commands), peers.ours.pipeline(commands)]);
        commands.forEach((argv, i) => {
          const x = b[i];
          const y = a[i];
          expect(
            x !== undefined && y !== undefined && sameReply(argv, x, y),
            `${argv.join(' ')}: ${x && show(x)} vs ${y && show(y)}`,
          ).toBe(true);
        });
      }),
      { numRuns: 100 },
    );
  });

  it('a core that fails to answer gives that command an error, in order', async () => {
    const failing: Dispatcher = {
      maxBulkBytes: 1024,
      dispatch: (argv) =>
        argv[0] === 'GET'
          ? { reply: Promise.reject(new Error('core 1 is gone')), blocking: false }
          : { reply: 'ok', blocking: false },
      disconnect: () => {},
    };
    const kv = await startKv({ dispatcher: () => failing });
    const c = await RawClient.connect(kv.port);
    try {
      const replies = await c.pipeline([
        ['ECHO', 'a'],
        ['GET', 'k'],
        ['ECHO', 'b'],
      ]);
      expect(replies.map((r) => r.raw.toString())).toEqual(['$2\r\nok\r\n', '-ERR core 1 is gone\r\n', '$2\r\nok\r\n']);
    } finally {
      c.close();
      await kv.close();
    }
  });

  it('MULTI/EXEC runs on the core owning its keys; a transaction over both cores gets CROSSSLOT', async () => {
    const keys = ['k0', 'k1', 'k2', 'k3'];
    const remoteKey = keys.find((k) => routeCommand(['GET', k], 2) === 1) as string;
    const localKey = keys.find((k) => routeCommand(['GET', k], 2) === 0) as string;
    const text = async (commands: string[][]) => (await peers.ours.pipeline(commands)).map((r) => r.raw.toString());
    expect(
      await text([
        ['DEL', remoteKey],
        ['MULTI'],
        ['INCR', remoteKey],
        ['INCR', remoteKey],
        ['EXEC'],
        ['GET', remoteKey],
      ]),
    ).toEqual([
      expect.stringMatching(/^:\d\r\n$/),
      '+OK\r\n',
      '+QUEUED\r\n',
      '+QUEUED\r\n',
      '*2\r\n:1\r\n:2\r\n',
      '$1\r\n2\r\n',
    ]);
    expect(
      await text([['MULTI'], ['SET', remoteKey, 'a'], ['SET', localKey, 'b'], ['EXEC'], ['GET', remoteKey]]),
    ).toEqual([
      '+OK\r\n',
      '+QUEUED\r\n',
      '+QUEUED\r\n',
      "-CROSSSLOT Keys in request don't hash to the same slot\r\n",
      '$1\r\n2\r\n',
    ]);
  });

  it('a command whose keys live on both cores is refused with CROSSSLOT', async () => {
    const [k0, k1] = ['k0', 'k1', 'k2', 'k3'].reduce<string[]>((acc, k) => {
      if (!acc.some((x) => routeCommand(['GET', x], 2) === routeCommand(['GET', k], 2))) acc.push(k);
      return acc;
    }, []) as [string, string];
    const [reply] = await peers.ours.pipeline([['MSET', k0, '1', k1, '2']]);
    expect(reply?.raw.toString()).toBe("-CROSSSLOT Keys in request don't hash to the same slot\r\n");
  });
});
