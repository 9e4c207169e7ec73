// Probe (review of the cross-core commands): edge cases vs redis-server 7.0 on --cores 3.
import Redis from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ownerOf } from '../src/route.js';
import { Differential } from './support/differential.js';
import { type KvProcess, startKvProcess } from './support/process.js';

const CORES = 3;
/** The first key `prefix<i>` owned by `core`. */
function on(core: number, prefix: string): string {
  for (let i = 0; ; i++) if (ownerOf(`${prefix}${i}`, CORES) === core) return `${prefix}${i}`;
}
const A = on(0, 'a');
const B = on(1, 'b');
const C = on(2, 'c');
const BIN = '\xff\xfe\x00\x80\r\n\xc3';

describe('cross-core review probes', () => {
  let d: Differential;
  beforeAll(async () => {
    d = await Differential.start(() => startKvProcess(['--cores', String(CORES)]));
  });
  afterAll(async () => {
    await d?.stop();
  });
  beforeEach(async () => {
    await d.reset();
  });
  const run = async (cmds: string[][]) => expect(await d.run(cmds)).toEqual([]);

  it('MSET over three cores: a key given twice keeps its last value, expiries and other types are overwritten, WATCH sees it', () =>
    run([
      ['SET', A, 'old', 'EX', '100'],
      ['RPUSH', B, 'x'],
      ['HSET', C, 'f', 'v'],
      ['MSET', A, '1', B, '2', C, '3', A, '4', C, '5'],
      ['MGET', A, B, C],
      ['TTL', A],
      ['TYPE', B],
      ['MSET', A],
      ['MSET', A, '1', B],
      ['WATCH', A, B],
      ['MSET', B, 'w', C, 'w'],
      ['MULTI'],
      ['GET', A],
      ['EXEC'],
      ['MGET', A, B, C],
    ]));
  it('EXEC over three cores forgets the WATCHes on every core: its own writes never dirty the next EXEC', () =>
    run([
      ['WATCH', A, B, C],
      ['MULTI'],
      ['SET', A, '1'],
      ['RPUSH', B, '2'],
      ['SADD', C, '3'],
      ['EXEC'],
      ['MULTI'],
      ['GET', A],
      ['LPOP', B],
      ['SPOP', C],
      ['EXEC'],
      ['WATCH', C],
      ['DEL', A, B, C],
      ['MULTI'],
      ['EXISTS', A, B, C],
      ['EXEC'],
    ]));
  it('binary values', () =>
    run([
      ['MSET', A, BIN, B, `x${BIN}`],
      ['MGET', A, B, C],
      ['RENAME', A, C],
      ['GET', C],
      ['SADD', `${B}s`, BIN, 'm'],
      ['SMOVE', `${B}s`, `${C}s`, BIN],
      ['SMEMBERS', `${C}s`],
      ['RPUSH', `${A}l`, BIN, 'q'],
      ['LMOVE', `${A}l`, `${C}l`, 'LEFT', 'RIGHT'],
      ['LRANGE', `${C}l`, '0', '-1'],
      ['HSET', `${A}h`, BIN, BIN],
      ['RENAME', `${A}h`, B],
      ['HGETALL', B],
    ]));
  it('errors', () =>
    run([
      ['RENAME', A, B],
      ['RENAMENX', A, B],
      ['SET', A, '1'],
      ['RPUSH', B, 'x'],
      ['MGET', A, B, C],
      ['LMOVE', A, B, 'LEFT', 'LEFT'],
      ['LMOVE', B, A, 'LEFT', 'LEFT'],
      ['SMOVE', A, B, 'x'],
      ['SINTER', A, B],
      ['SINTERSTORE', C, A, B],
      ['SINTERCARD', '2', A, B],
      ['SINTERCARD', '0', A, B],
      ['SINTERCARD', '3', A, B],
      ['SINTERCARD', 'x', A, B],
      ['SINTERCARD', '-1', A, B],
      ['SINTERCARD', '2', A, B, 'LIMIT', '-1'],
      ['SINTERCARD', '2', A, B, 'LIMIT'],
      ['MSETNX', C, '1', A, '2'],
      ['MSETNX', C, '1', `${C}z`, '2'],
      ['MGET', C, `${C}z`],
      ['MSET', A, '1', B],
      ['COPY', A, C],
      ['COPY', A, C, 'REPLACE'],
      ['COPY', A, `${C}n`, 'DB', '0'],
      ['COPY', A, `${C}n`, 'DB', '0', 'REPLACE'],
      ['COPY', `${A}missing`, C],
      ['DEL', A, B, C, `${A}missing`],
      ['EXISTS', A, A, B, C],
    ]));
  it('sets and collections', () =>
    run([
      ['SADD', A, '1', '2', '3', 'x'],
      ['SADD', B, '2', '3', '4'],
      ['SINTERCARD', '2', A, B, 'LIMIT', '1'],
      ['SINTERCARD', '2', A, B, 'LIMIT', '0'],
      ['SINTERSTORE', C, A, B],
      ['SMEMBERS', C],
      ['SREM', A, 'x'],
      ['SUNIONSTORE', C, A, B],
      ['SDIFFSTORE', C, A, A],
      ['EXISTS', C],
      ['SET', C, 'v', 'EX', '100'],
      ['SINTERSTORE', C, A, B],
      ['TTL', C],
      ['RPUSH', `${A}l`, 'a', 'b'],
      ['RPOPLPUSH', `${A}l`, `${C}l`],
      ['RPOPLPUSH', `${A}l`, `${C}l`],
      ['EXISTS', `${A}l`],
      ['LRANGE', `${C}l`, '0', '-1'],
    ]));
  it('expiry kept', () =>
    run([
      ['SET', A, 'v', 'EX', '1000'],
      ['RENAME', A, B],
      ['TTL', B],
      ['RPUSH', A, 'x'],
      ['EXPIRE', A, '500'],
      ['RENAME', A, C],
      ['TTL', C],
      ['COPY', C, A],
      ['TTL', A],
      ['HSET', `${B}h`, 'f', 'v'],
      ['PEXPIRE', `${B}h`, '100000'],
      ['RENAME', `${B}h`, `${C}h`],
      ['TTL', `${C}h`],
    ]));
  it('large values and big collections', () => {
    const big = 'v'.repeat(70000);
    const fields = Array.from({ length: 300 }, (_, i) => [`f${i}`, `${i}`]).flat();
    const members = Array.from({ length: 600 }, (_, i) => String(i));
    return run([
      ['SET', A, big],
      ['RENAME', A, B],
      ['STRLEN', B],
      ['HSET', `${A}h`, ...fields],
      ['RENAME', `${A}h`, `${C}h`],
      ['HGETALL', `${C}h`],
      ['SADD', `${A}s`, ...members],
      ['SUNIONSTORE', `${B}s`, `${A}s`, C],
      ['SCARD', `${B}s`],
      ['RPUSH', `${A}l`, ...members],
      ['RENAME', `${A}l`, `${B}l`],
      ['LRANGE', `${B}l`, '0', '-1'],
    ]);
  });
  it('transactions', () =>
    run([
      ['WATCH', A, B],
      ['MULTI'],
      ['SET', A, '1'],
      ['INCR', B],
      ['LPUSH', C, 'x'],
      ['EXEC'],
      ['MULTI'],
      ['INCR', A],
      ['LPUSH', A, 'x'],
      ['SET', C, 'y'],
      ['EXEC'],
      ['MGET', A, B, C],
      ['MULTI'],
      ['BLPOP', `${A}l`, `${B}l`, '0'],
      ['EXEC'],
    ]));
});

/** `n` distinct keys `prefix<i>` that core `core` of `cores` owns. */
function keysOn(core: number, cores: number, prefix: string, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) if (ownerOf(`${prefix}${i}`, cores) === core) out.push(`${prefix}${i}`);
  return out;
}

/** The blocked clients over every core (INFO adds them up). */
async function blockedClients(r: Redis): Promise<number> {
  return Number(/blocked_clients:(\d+)/.exec(await r.info('clients'))?.[1]);
}

/** Waits (bounded) until `n` clients are blocked. */
async function untilBlocked(r: Redis, n: number): Promise<void> {
  for (let i = 0; i < 1000 && (await blockedClients(r)) < n; i++) await new Promise((t) => setTimeout(t, 5));
  expect(await blockedClients(r)).toBe(n);
}

describe('cross-core commands vs keyspace-wide commands and blocked clients (--cores 2)', () => {
  let kv: KvProcess;
  let clients: Redis[] = [];
  beforeAll(async () => {
    kv = await startKvProcess(['--cores', '2']);
    clients = Array.from({ length: 6 }, () => new Redis({ port: kv.port, host: '127.0.0.1' }));
  });
  afterAll(async () => {
    for (const r of clients) r.disconnect();
    await kv?.close();
  });

  it('FLUSHALL and DBSIZE never split an MSET over both cores', async () => {
    const [c0, c1, c2, flusher, reader, counter] = clients as [Redis, Redis, Redis, Redis, Redis, Redis];
    const a = keysOn(0, 2, 'fa', 4);
    const b = keysOn(1, 2, 'fb', 4);
    let mixed = 0;
    let odd = 0;
    const writers = [c0, c1, c2].map(async (r, w) => {
      for (let round = 0; round < 150; round++) {
        const i = (round + w) % a.length;
        await r.mset(a[i] as string, `${w}:${round}`, b[i] as string, `${w}:${round}`);
      }
    });
    const flushes = (async () => {
      for (let round = 0; round < 60; round++) {
        await flusher.flushall();
        if ((await flusher.dbsize()) % 2 !== 0) odd++;
      }
    })();
    const reads = (async () => {
      for (let round = 0; round < 300; round++) {
        const i = round % a.length;
        const [va, vb] = await reader.mget(a[i] as string, b[i] as string);
        if (va !== vb) mixed++;
        if ((await counter.dbsize()) % 2 !== 0) odd++;
      }
    })();
    await Promise.all([...writers, flushes, reads]);
    expect({ mixed, odd }).toEqual({ mixed: 0, odd: 0 });
  });

  it("a change to a key watched on the connection's own core fails an EXEC whose queue is on another core", async () => {
    const writer = clients[1] as Redis;
    // Wherever a connection lands, one of the two watched keys is on its own core.
    for (const key of [keysOn(0, 2, 'wk', 1)[0], keysOn(1, 2, 'wk', 1)[0]] as string[]) {
      const queued = keysOn(1 - ownerOf(key, 2), 2, 'wq', 1)[0] as string;
      for (const change of [() => writer.del(key), () => writer.mset(key, 'x', `${queued}o`, 'x')]) {
        await writer.set(key, '1');
        await clients[0]?.watch(key);
        await change();
        expect(await clients[0]?.multi().set(queued, '1').exec()).toBeNull();
        expect(await writer.exists(queued)).toBe(0);
      }
    }
  });

  it('a key a cross-core transaction set and deleted again is touched: a WATCH of it fails EXEC', async () => {
    const [watcher, writer] = clients as [Redis, Redis];
    const [a] = keysOn(0, 2, 'touch', 1) as [string];
    const [b] = keysOn(1, 2, 'touch', 1) as [string];
    await writer.del(a, b);
    await watcher.watch(a);
    // Redis: SET then DEL signals the key (its watchers' EXEC fails), though it ends absent.
    expect(await writer.multi().set(a, '1').del(a).set(b, '1').exec()).toEqual([
      [null, 'OK'],
      [null, 1],
      [null, 'OK'],
    ]);
    expect(await watcher.multi().set(`${a}x`, '1').exec()).toBeNull();
    await watcher.watch(b);
    expect(await writer.multi().set(b, '2').del(b).set(a, '1').exec()).toEqual([
      [null, 'OK'],
      [null, 1],
      [null, 'OK'],
    ]);
    expect(await watcher.multi().set(`${a}x`, '1').exec()).toBeNull();
  });

  it('a client parked over both cores is served before one that parked after it on the same key', async () => {
    const [first, second, pusher] = clients as [Redis, Redis, Redis];
    const [q0] = keysOn(0, 2, 'fair', 1) as [string];
    const [q1] = keysOn(1, 2, 'fair', 1) as [string];
    await pusher.del(q0, q1);
    const popFirst = first.blpop(q0, q1, 0);
    await untilBlocked(pusher, 1);
    const popSecond = second.blpop(q1, 0);
    await untilBlocked(pusher, 2);
    await pusher.rpush(q1, 'one');
    // Redis serves the clients blocked on a key in the order they blocked.
    const served = await Promise.race([popFirst.then((v) => ['first', v]), popSecond.then((v) => ['second', v])]);
    expect(served).toEqual(['first', [q1, 'one']]);
    await pusher.rpush(q1, 'two');
    expect(await popSecond).toEqual([q1, 'two']);
    expect(await pusher.exists(q0, q1)).toBe(0);
  });

  it('the next client is served when the first one, woken, finds the element gone or left', async () => {
    const [first, second, pusher] = clients as [Redis, Redis, Redis];
    const [q0] = keysOn(0, 2, 'fair2', 1) as [string];
    const [q1] = keysOn(1, 2, 'fair2', 1) as [string];
    await pusher.del(q0, q1);
    // Two elements in one push: the first client takes one, the second the other.
    const popFirst = first.blpop(q0, q1, 0);
    await untilBlocked(pusher, 1);
    const popSecond = second.blpop(q1, 0);
    await untilBlocked(pusher, 2);
    await pusher.rpush(q1, 'a', 'b');
    expect(await popFirst).toEqual([q1, 'a']);
    expect(await popSecond).toEqual([q1, 'b']);
    expect(await pusher.exists(q0, q1)).toBe(0);
  });
});
