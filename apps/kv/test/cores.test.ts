// corelane-kv on the runtime with two and three cores (`--cores N`, the bin in a child process):
// every core listens on the port, a command goes to the core owning its keys through the mesh, a
// command over keys of several cores is coordinated, and the replies are still Redis 7.0's,
// byte for byte, in pipeline order.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fc from 'fast-check';
import Redis from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { routeCommand } from '../src/route.js';
import {
  hashCommands,
  keepsExpired,
  keyCommands,
  listCommands,
  sequence,
  setCommands,
  stringCommands,
  transactionCommands,
  withoutTimedKeyspaceReads,
} from './support/arbitraries.js';
import { c, cases } from './support/cases.js';
import { Differential } from './support/differential.js';
import { type KvProcess, startKvProcess } from './support/process.js';

/** The cores that own the keys of `argv` (none for a keyless command). */
function ownersOf(argv: string[], cores: number): number[] {
  const owner = routeCommand(argv, cores);
  if (owner === null) return [];
  if (owner !== -1) return [owner];
  return argv.slice(1).map((k) => routeCommand(['GET', k], cores) as number);
}

/**
 * The generators' keys k0…k3 renamed so that they spread over `cores` cores: each in turn takes
 * the first unused name k0, k1, … whose core none of the earlier ones has, once every core has
 * one the first unused name (routing decides which names those are, not this list).
 */
function spread(commands: string[][], cores: number): string[][] {
  const names: Record<string, string> = {};
  const covered = new Set<number>();
  const used = new Set<string>();
  for (const key of ['k0', 'k1', 'k2', 'k3']) {
    for (let n = 0; ; n++) {
      const name = `k${n}`;
      if (used.has(name)) continue;
      const owner = routeCommand(['GET', name], cores) as number;
      if (covered.size < cores && covered.has(owner)) continue;
      names[key] = name;
      used.add(name);
      covered.add(owner);
      break;
    }
  }
  return commands.map((argv) => argv.map((a, i) => (i > 0 ? (names[a] ?? a) : a)));
}

for (const cores of [2, 3]) {
  describe(`differential on --cores ${cores}: hand-written cases`, () => {
    let d: Differential;
    beforeAll(async () => {
      d = await Differential.start(() => startKvProcess(['--cores', String(cores)]));
    });
    afterAll(async () => {
      await d?.stop();
    });
    beforeEach(async () => {
      await d.reset();
    });

    it('the cases reach every core, and commands over several', () => {
      const owners = new Set(
        Object.values(cases)
          .flat()
          .map((l) => routeCommand(Array.isArray(l) ? l : c(l), cores)),
      );
      expect(owners).toEqual(new Set([null, -1, ...Array.from({ length: cores }, (_, i) => i)]));
    });

    for (const protocol of [2, 3]) {
      for (const [family, lines] of Object.entries(cases)) {
        it(`${family} (RESP${protocol}): every reply is Redis's`, async () => {
          const commands = lines.map((l) => (Array.isArray(l) ? l : c(l)));
          await d.run([['HELLO', String(protocol)]]);
          try {
            expect(await d.run(commands)).toEqual([]);
          } finally {
            await d.run([['HELLO', '2']]);
          }
        });
      }
    }
  });

  describe(`differential on --cores ${cores}: random sequences, cross-core commands included`, () => {
    let d: Differential;
    beforeAll(async () => {
      d = await Differential.start(() => startKvProcess(['--cores', String(cores)]));
    });
    afterAll(async () => {
      await d?.stop();
    });

    it('the key space spreads over every core', () => {
      const owners = new Set(
        spread([['MGET', 'k0', 'k1', 'k2', 'k3']], cores).flatMap((argv) => ownersOf(argv, cores)),
      );
      expect(owners).toEqual(new Set(Array.from({ length: cores }, (_, i) => i)));
    });

    const arbs = [stringCommands, keyCommands, listCommands, hashCommands, setCommands, transactionCommands];
    const families = [stringCommands, keyCommands, listCommands, hashCommands, setCommands];
    /**
     * A transaction that reads or empties the whole keyspace (RANDOMKEY is left out: its reply
     * is random), after some commands and maybe a WATCH: EXEC runs it over every core.
     */
    const wholeKeyspace = fc
      .tuple(
        fc.boolean(),
        sequence(families, 10).map((commands) => commands.filter((argv) => !keepsExpired(argv))),
        fc.array(
          fc.oneof(...families.flat()).filter((argv) => !keepsExpired(argv)),
          { maxLength: 8 },
        ),
        fc.array(fc.constantFrom(['FLUSHALL'], ['FLUSHDB'], ['DBSIZE'], ['KEYS', '*'], ['KEYS', 'k?'], ['SCAN', '0']), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.nat(),
      )
      .map(([watch, before, queued, wide, at]) => {
        const body = [...queued];
        for (const w of wide) body.splice((at + body.length) % (body.length + 1), 0, [...w]);
        return [
          ...(watch ? [['WATCH', 'k0', 'k1', 'k2']] : []),
          ...before,
          ['MULTI'],
          ...body,
          ['EXEC'],
          ['DBSIZE'],
          ['KEYS', '*'],
        ];
      });
    for (const protocol of [2, 3]) {
      it(`all families (RESP${protocol}): 60 sequences, every reply equal`, async () => {
        await d.run([['HELLO', String(protocol)]]);
        try {
          await fc.assert(
            fc.asyncProperty(sequence(arbs).map(withoutTimedKeyspaceReads), async (generated) => {
              await d.reset();
              const commands = spread(generated, cores);
              expect(await d.run(commands), JSON.stringify(commands)).toEqual([]);
            }),
            { numRuns: Number(process.env.KV_FUZZ_RUNS ?? 60) },
          );
        } finally {
          await d.run([['HELLO', '2']]);
        }
      });
    }

    for (const protocol of [2, 3]) {
      it(`transactions over the whole keyspace (FLUSHALL, DBSIZE, KEYS, SCAN inside; RESP${protocol}): 60 sequences, every reply equal`, async () => {
        await d.run([['HELLO', String(protocol)]]);
        try {
          await fc.assert(
            fc.asyncProperty(wholeKeyspace, async (generated) => {
              await d.reset();
              const commands = spread(generated, cores);
              expect(await d.run(commands), JSON.stringify(commands)).toEqual([]);
            }),
            { numRuns: Number(process.env.KV_FUZZ_RUNS ?? 60) },
          );
        } finally {
          await d.run([['HELLO', '2']]);
        }
      });
    }
  });
}

describe('ioredis against --cores 2', () => {
  let kv: KvProcess;
  beforeAll(async () => {
    kv = await startKvProcess(['--cores', '2']);
  });
  afterAll(async () => {
    await kv?.close();
  });

  it('many connections, pipelines over keys of both cores: every value right, replies in order', async () => {
    const keys = Array.from({ length: 64 }, (_, i) => `key:${i}`);
    const owners = new Set(keys.map((k) => routeCommand(['GET', k], 2)));
    expect(owners).toEqual(new Set([0, 1]));
    const clients = Array.from({ length: 8 }, () => new Redis({ port: kv.port, host: '127.0.0.1', lazyConnect: true }));
    try {
      await Promise.all(clients.map((r) => r.connect()));
      await clients[0]?.flushall();
      // Client j increments every key by j+1, 20 rounds, each round one pipeline of INCRBY and a
      // GET per key (the GET right after the INCRBY sees at least its own increment).
      await Promise.all(
        clients.map(async (r, j) => {
          for (let round = 0; round < 20; round++) {
            const p = r.pipeline();
            for (const k of keys) p.incrby(k, j + 1).get(k);
            p.echo(`end:${j}:${round}`);
            const replies = (await p.exec()) ?? [];
            expect(replies).toHaveLength(keys.length * 2 + 1);
            for (let i = 0; i < keys.length; i++) {
              const [e1, incr] = replies[2 * i] as [Error | null, number];
              const [e2, got] = replies[2 * i + 1] as [Error | null, string];
              expect(e1 ?? e2).toBeNull();
              expect(Number(got)).toBeGreaterThanOrEqual(incr);
            }
            expect(replies[keys.length * 2]).toEqual([null, `end:${j}:${round}`]);
          }
        }),
      );
      const total = (20 * clients.length * (clients.length + 1)) / 2;
      const values = await (clients[0] as Redis).mget(keys[0] as string);
      expect(values).toEqual([String(total)]);
      for (const k of keys) expect(await (clients[1] as Redis).get(k)).toBe(String(total));
      expect(await (clients[2] as Redis).dbsize()).toBe(keys.length);
      expect((await (clients[3] as Redis).keys('key:*')).sort()).toEqual([...keys].sort());
      // A value of each type on each core, read back from another connection.
      const [a, b] = [
        keys.find((k) => routeCommand(['GET', k], 2) === 0),
        keys.find((k) => routeCommand(['GET', k], 2) === 1),
      ];
      for (const k of [a, b] as string[]) {
        await clients[4]?.del(k);
        await clients[4]?.rpush(k, 'x', 'y', 'z');
        expect(await clients[5]?.lrange(k, 0, -1)).toEqual(['x', 'y', 'z']);
      }
    } finally {
      for (const r of clients) r.disconnect();
    }
  });

  it('BLPOP on a key of the other core is woken by a push from another connection', async () => {
    const key = ['q0', 'q1', 'q2', 'q3', 'q4'].find((k) => routeCommand(['GET', k], 2) === 1) as string;
    const waiter = new Redis({ port: kv.port, host: '127.0.0.1' });
    const pusher = new Redis({ port: kv.port, host: '127.0.0.1' });
    try {
      await pusher.del(key);
      const popped = waiter.blpop(key, 10);
      // Let the BLPOP park before the push (a reply of the waiter's connection proves it was sent).
      await new Promise((r) => setTimeout(r, 100));
      await pusher.rpush(key, 'v1');
      expect(await popped).toEqual([key, 'v1']);
    } finally {
      waiter.disconnect();
      pusher.disconnect();
    }
  });

  it('redis-benchmark -t set,get,incr -n 20000 -P 16 -c 20 completes without errors', async () => {
    const child = spawn(
      'redis-benchmark',
      ['-p', String(kv.port), '-q', '-t', 'set,get,incr', '-n', '20000', '-P', '16', '-c', '20'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
    });
    child.stderr?.on('data', (d) => {
      out += d;
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code, out).toBe(0);
    for (const test of ['SET', 'GET', 'INCR']) expect(out).toMatch(new RegExp(`${test}: [\\d.]+ requests per second`));
    expect(out).not.toMatch(/error/i);
    const r = new Redis({ port: kv.port, host: '127.0.0.1' });
    try {
      // redis-benchmark INCRs one key (key:__rand_int__ without -r): 20000 of them.
      expect(await r.get('counter:__rand_int__')).toBe('20000');
    } finally {
      r.disconnect();
    }
  });
});
