// Commands over keys of several cores, with real clients (ioredis, many connections) against the
// bin on --cores 2: atomic (no client sees half of one), conserving (moves never lose or make
// an element), free of deadlock under opposite-order moves, blocking pops woken from any core,
// and durable under --appendfsync always.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeCommand } from '../src/route.js';
import { type KvProcess, startKvProcess } from './support/process.js';

/** `n` keys named `prefix<i>` that core `core` of 2 owns. */
function keysOn(core: number, prefix: string, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < n; i++)
    if (routeCommand(['GET', `${prefix}${i}`], 2) === core) out.push(`${prefix}${i}`);
  return out;
}

async function connect(port: number, n: number, once = false): Promise<Redis[]> {
  // `once`: no reconnection, no offline queue: a command in flight when the server dies fails.
  const options = once ? { maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null } : {};
  const clients = Array.from(
    { length: n },
    () => new Redis({ port, host: '127.0.0.1', lazyConnect: true, ...options }),
  );
  for (const r of clients) r.on('error', () => {});
  await Promise.all(clients.map((r) => r.connect()));
  return clients;
}

/** A deterministic pseudo-random sequence (xorshift), so a failure replays. */
function rng(seed: number): () => number {
  let x = seed || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

describe('cross-core commands with real clients (--cores 2)', () => {
  let kv: KvProcess;
  let clients: Redis[] = [];
  beforeAll(async () => {
    kv = await startKvProcess(['--cores', '2']);
    clients = await connect(kv.port, 8);
  });
  afterAll(async () => {
    for (const r of clients) r.disconnect();
    await kv?.close();
  });

  it('MSET of pairs over both cores: readers (MGET, MULTI) never see a mixed pair', async () => {
    const a = keysOn(0, 'a', 8);
    const b = keysOn(1, 'b', 8);
    await clients[0]?.flushall();
    await clients[0]?.mset(...a.flatMap((k, i) => [k, '0:0', b[i] as string, '0:0']));
    const writers = clients.slice(0, 3);
    const readers = clients.slice(3, 7);
    let mixed = 0;
    let reads = 0;
    const write = writers.map(async (r, w) => {
      const next = rng(w + 1);
      for (let round = 1; round <= 120; round++) {
        const p = r.pipeline();
        for (let j = 0; j < 4; j++) {
          const i = Math.floor(next() * a.length);
          const seq = `${w + 1}:${round}:${j}`;
          if (j % 2 === 0) p.mset(a[i] as string, seq, b[i] as string, seq);
          else p.msetnx(`nx:${seq}`, seq, b[i] as string, 'never'); // b exists: sets nothing
        }
        for (const [e, v] of (await p.exec()) ?? []) {
          expect(e).toBeNull();
          expect(v === 'OK' || v === 0).toBe(true);
        }
      }
    });
    const read = readers.map(async (r, n) => {
      const next = rng(100 + n);
      for (let round = 0; round < 120; round++) {
        const i = Math.floor(next() * a.length);
        const [pair, txn] = await Promise.all([
          r.mget(a[i] as string, b[i] as string),
          r
            .multi()
            .get(a[i] as string)
            .get(b[i] as string)
            .exec()
            .then((replies) => (replies ?? []).map(([, v]) => v as string)),
        ]);
        for (const [x, y] of [pair, txn] as [string, string][]) {
          reads++;
          if (x !== y) mixed++;
        }
      }
    });
    await Promise.all([...write, ...read]);
    expect(reads).toBe(readers.length * 120 * 2);
    expect(mixed).toBe(0);
    // MSETNX never set any of its keys (one of them always existed).
    expect(await clients[0]?.keys('nx:*')).toEqual([]);
    for (let i = 0; i < a.length; i++) {
      const [x, y] = (await clients[7]?.mget(a[i] as string, b[i] as string)) ?? [];
      expect(x).toBe(y);
    }
  });

  it('RENAME, SMOVE, LMOVE and RPOPLPUSH in opposite directions: totals never change, no deadlock', async () => {
    const [l0, s0, r0] = keysOn(0, 'x', 3) as [string, string, string];
    const [l1, s1, r1] = keysOn(1, 'y', 3) as [string, string, string];
    const items = Array.from({ length: 40 }, (_, i) => `i${i}`);
    const members = Array.from({ length: 40 }, (_, i) => `m${i}`);
    const c0 = clients[0] as Redis;
    await c0.flushall();
    await c0.rpush(l0, ...items);
    await c0.sadd(s0, ...members);
    await c0.set(r0, 'token');
    const movers = clients.slice(0, 5);
    const checkers = clients.slice(5, 8);
    let checks = 0;
    let broken: string[] = [];
    const move = movers.map(async (r, m) => {
      const next = rng(m + 7);
      for (let round = 0; round < 80; round++) {
        const p = r.pipeline();
        // Each mover goes both ways: locks are taken in both orders at once.
        const forward = (round + m) % 2 === 0;
        const [fromL, toL, fromS, toS, fromR, toR] = forward ? [l0, l1, s0, s1, r0, r1] : [l1, l0, s1, s0, r1, r0];
        p.lmove(fromL, toL, 'LEFT', 'RIGHT');
        p.rpoplpush(toL, fromL);
        p.smove(fromS, toS, members[Math.floor(next() * members.length)] as string);
        p.rename(fromR, toR);
        p.renamenx(toR, fromR);
        await p.exec();
      }
    });
    const check = checkers.map(async (r) => {
      for (let round = 0; round < 80; round++) {
        const txn = await r.multi().lrange(l0, 0, -1).lrange(l1, 0, -1).smembers(s0).smembers(s1).exists(r0, r1).exec();
        const [[, x0], [, x1], [, y0], [, y1], [, n]] = txn as [Error | null, unknown][] as [
          [null, string[]],
          [null, string[]],
          [null, string[]],
          [null, string[]],
          [null, number],
        ];
        const listed = [...x0, ...x1].sort();
        const setted = [...y0, ...y1].sort();
        if (listed.join() !== [...items].sort().join()) broken.push(`lists ${listed.length}`);
        if (setted.join() !== [...members].sort().join()) broken.push(`sets ${setted.length}`);
        if (n !== 1) broken.push(`exists ${n}`);
        // Outside MULTI: one cross-core command each.
        const [union, count, exists] = await Promise.all([
          r.sunion(s0, s1),
          r.exists(r0, r1),
          r.exists(l0, l1, s0, s1),
        ]);
        if (union.length !== members.length || count !== 1 || exists < 2)
          broken.push(`single ${union.length} ${count}`);
        checks++;
      }
    });
    await Promise.all([...move, ...check]);
    expect(checks).toBe(checkers.length * 80);
    broken = broken.slice(0, 5);
    expect(broken).toEqual([]);
    expect((await c0.llen(l0)) + (await c0.llen(l1))).toBe(items.length);
    expect((await c0.scard(s0)) + (await c0.scard(s1))).toBe(members.length);
    expect(await c0.exists(r0, r1)).toBe(1);
  });

  it('WATCH on both cores: a change on either core fails EXEC; none passes it', async () => {
    const [k0] = keysOn(0, 'w', 1) as [string];
    const [k1] = keysOn(1, 'w', 1) as [string];
    const [c0, c1] = clients as [Redis, Redis];
    for (const changed of [k0, k1, null]) {
      await c0.mset(k0, '1', k1, '1');
      await c0.watch(k0, k1);
      if (changed !== null) await c1.incr(changed);
      const result = await c0.multi().incr(k0).incr(k1).exec();
      if (changed === null)
        expect(result).toEqual([
          [null, 2],
          [null, 2],
        ]);
      else expect(result).toBeNull();
    }
  });

  it('BLPOP over keys of both cores is woken by a push to either, from another connection', async () => {
    const [q0] = keysOn(0, 'q', 1) as [string];
    const [q1] = keysOn(1, 'q', 1) as [string];
    const [waiter, pusher] = clients as [Redis, Redis];
    await pusher.del(q0, q1);
    for (const [key, value] of [
      [q1, 'v1'],
      [q0, 'v0'],
    ] as const) {
      const popped = waiter.blpop(q0, q1, 10);
      // Let it park first (if the push came first, BLPOP would answer at once: the same reply).
      await new Promise((r) => setTimeout(r, 50));
      await pusher.rpush(key, value);
      expect(await popped).toEqual([key, value]);
    }
    expect(await waiter.blpop(q0, q1, 0.05)).toBeNull();
    expect(await pusher.exists(q0, q1)).toBe(0);
  });

  it('BLMOVE from a key of one core to a key of the other, woken by a push', async () => {
    const [src] = keysOn(0, 'src', 1) as [string];
    const [dst] = keysOn(1, 'dst', 1) as [string];
    const [waiter, pusher] = clients as [Redis, Redis];
    await pusher.del(src, dst);
    await pusher.rpush(dst, 'old');
    const moved = waiter.blmove(src, dst, 'LEFT', 'LEFT', 10);
    await new Promise((r) => setTimeout(r, 50));
    await pusher.rpush(src, 'new');
    expect(await moved).toBe('new');
    expect(await pusher.lrange(dst, 0, -1)).toEqual(['new', 'old']);
    expect(await pusher.exists(src)).toBe(0);
    const late = waiter.brpoplpush(dst, src, 10);
    expect(await late).toBe('old');
  });

  it('consumers parked over both cores, producers on both: every item popped exactly once', async () => {
    const [q0] = keysOn(0, 'pc', 1) as [string];
    const [q1] = keysOn(1, 'pc', 1) as [string];
    const c0 = clients[0] as Redis;
    await c0.del(q0, q1);
    const consumers = await connect(kv.port, 4);
    const producers = clients.slice(0, 2);
    const got: string[] = [];
    try {
      const consume = consumers.map(async (r) => {
        for (;;) {
          const popped = await r.blpop(q0, q1, 30);
          if (popped === null) throw new Error('a consumer waited 30 s for an item');
          if (popped[1] === 'stop') return;
          got.push(popped[1]);
        }
      });
      const produce = producers.map(async (r, p) => {
        for (let i = 0; i < 100; i++) await r.rpush(i % 2 === 0 ? q0 : q1, `p${p}:${i}`);
      });
      await Promise.all(produce);
      for (let i = 0; i < consumers.length; i++) await c0.rpush(i % 2 === 0 ? q1 : q0, 'stop');
      await Promise.all(consume);
    } finally {
      for (const r of consumers) r.disconnect();
    }
    const expected = producers.flatMap((_, p) => Array.from({ length: 100 }, (_, i) => `p${p}:${i}`));
    expect(got.sort()).toEqual(expected.sort());
    expect(await c0.exists(q0, q1)).toBe(0);
  });

  it('a client that left while parked over both cores takes nothing', async () => {
    const [q0] = keysOn(0, 'gone', 1) as [string];
    const [q1] = keysOn(1, 'gone', 1) as [string];
    const [leaving] = (await connect(kv.port, 1)) as [Redis];
    const id = String(await leaving.client('ID'));
    const c0 = clients[0] as Redis;
    await c0.del(q0, q1);
    // By its id, not by a count: the connections an earlier test dropped may still be closing.
    const listed = async () => ((await c0.client('LIST')) as string).split('\n').some((l) => l.startsWith(`id=${id} `));
    const blocked = async () => Number(/blocked_clients:(\d+)/.exec(await c0.info('clients'))?.[1]);
    void leaving.blpop(q0, q1, 0).catch(() => {});
    for (let i = 0; i < 2000 && (await blocked()) !== 1; i++) await new Promise((r) => setTimeout(r, 5));
    expect(await blocked()).toBe(1); // parked over both cores
    leaving.disconnect();
    // Wait until the server saw it leave: CLIENT LIST covers every core.
    for (let i = 0; i < 2000 && (await listed()); i++) await new Promise((r) => setTimeout(r, 5));
    expect(await listed()).toBe(false);
    expect(await blocked()).toBe(0);
    await c0.rpush(q1, 'kept');
    await c0.rpush(q0, 'kept');
    expect(await c0.lrange(q0, 0, -1)).toEqual(['kept']);
    expect(await c0.lrange(q1, 0, -1)).toEqual(['kept']);
  });

  it('SCAN, RANDOMKEY, DBSIZE, KEYS, INFO and CLIENT LIST cover every core; FLUSHALL empties them', async () => {
    const c0 = clients[0] as Redis;
    await c0.flushall();
    const keys = [...keysOn(0, 'sc', 30), ...keysOn(1, 'sc', 30)];
    await c0.mset(...keys.flatMap((k) => [k, 'v']));
    await c0.expire(keys[0] as string, 1000);
    const seen = new Set<string>();
    let cursor = '0';
    let steps = 0;
    do {
      const [next, batch] = await c0.scan(cursor, 'COUNT', 7);
      for (const k of batch) seen.add(k);
      cursor = next;
      steps++;
    } while (cursor !== '0' && steps < 1000);
    expect([...seen].sort()).toEqual([...keys].sort());
    expect(await c0.dbsize()).toBe(keys.length);
    expect((await c0.keys('sc*')).sort()).toEqual([...keys].sort());
    const drawn = new Set<string>();
    for (let i = 0; i < 40; i++) drawn.add((await c0.randomkey()) as string);
    for (const k of drawn) expect(keys).toContain(k);
    const info = await c0.info('keyspace');
    expect(info).toContain(`db0:keys=${keys.length},expires=1,avg_ttl=0`);
    const clientsInfo = await c0.info('clients');
    const list = ((await c0.client('LIST')) as string).trim().split('\n');
    expect(clientsInfo).toContain(`connected_clients:${list.length}`);
    const ids = list.map((l) => Number(/^id=(\d+)/.exec(l)?.[1]));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(ids).toContain(Number(await c0.client('ID')));
    await c0.flushall();
    expect(await c0.dbsize()).toBe(0);
    expect(await c0.randomkey()).toBeNull();
    expect(await c0.scan('0')).toEqual(['0', []]);
  });
});

describe('cross-core commands are durable (--appendfsync always, SIGKILL)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'corelane-kv-x-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('every acknowledged MSET over both cores and LMOVE between them is there after a restart', async () => {
    const args = ['--cores', '2', '--dir', dir, '--appendfsync', 'always'];
    const a = keysOn(0, 'da', 4);
    const b = keysOn(1, 'db', 4);
    const [l0] = keysOn(0, 'dl', 1) as [string];
    const [l1] = keysOn(1, 'dl', 1) as [string];
    let kv = await startKvProcess(args);
    const acked = new Map<number, number>();
    let moves = 0;
    try {
      const [setup, ...writers] = await connect(kv.port, 5, true);
      await (setup as Redis).rpush(l0, ...Array.from({ length: 30 }, (_, i) => `e${i}`));
      let stop = false;
      const loops = writers.map(async (r, w) => {
        for (let seq = 1; !stop; seq++) {
          try {
            await r.mset(a[w] as string, String(seq), b[w] as string, String(seq));
            acked.set(w, seq);
            if (w === 0 && (await r.lmove(l0, l1, 'LEFT', 'RIGHT')) !== null) moves++;
          } catch {
            return;
          }
        }
      });
      while ([...acked.values()].reduce((n, v) => n + v, 0) < 40) await new Promise((r) => setTimeout(r, 10));
      kv.child.kill('SIGKILL');
      stop = true;
      await Promise.all(loops);
      for (const r of [setup, ...writers]) (r as Redis).disconnect();
    } finally {
      await kv.close();
    }
    kv = await startKvProcess(args);
    const [r] = await connect(kv.port, 1);
    try {
      for (const [w, seq] of acked) {
        const [x, y] = (await r?.mget(a[w] as string, b[w] as string)) ?? [];
        // The acknowledged MSET or a later one (in flight at the kill) on each core.
        expect(Number(x)).toBeGreaterThanOrEqual(seq);
        expect(Number(y)).toBeGreaterThanOrEqual(seq);
      }
      const left = (await r?.lrange(l0, 0, -1)) ?? [];
      const right = (await r?.lrange(l1, 0, -1)) ?? [];
      // Every acknowledged move is there; the one in flight at the kill may be logged on one core only.
      expect(right.length).toBeGreaterThanOrEqual(moves);
      expect(left.length + right.length).toBeGreaterThanOrEqual(29);
      expect(left.length + right.length).toBeLessThanOrEqual(31);
      expect(right.slice(0, moves)).toEqual(Array.from({ length: moves }, (_, i) => `e${i}`));
    } finally {
      r?.disconnect();
      await kv.close();
    }
  });
});
