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

describe('keyspace-wide commands vs cross-core writes (--cores 2)', () => {
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
    const pairs: [string, string][] = [];
    for (let i = 0; pairs.length < 4; i++) {
      const a = `fa${i}`;
      const b = [...Array(200).keys()].map((j) => `fb${i}_${j}`).find((k) => ownerOf(k, 2) !== ownerOf(a, 2)) as string;
      if (ownerOf(a, 2) === 0) pairs.push([a, b]);
    }
    let mixed = 0;
    let odd = 0;
    const writers = clients.slice(0, 3).map(async (r, w) => {
      for (let round = 0; round < 150; round++) {
        const [a, b] = pairs[(round + w) % pairs.length] as [string, string];
        await r.mset(a, `${w}:${round}`, b, `${w}:${round}`);
      }
    });
    const flusher = (async () => {
      for (let round = 0; round < 60; round++) {
        await clients[3]?.flushall();
        const n = await clients[3]?.dbsize();
        if ((n as number) % 2 !== 0) odd++;
      }
    })();
    const reader = (async () => {
      for (let round = 0; round < 300; round++) {
        const [a, b] = pairs[round % pairs.length] as [string, string];
        const [va, vb] = (await clients[4]?.mget(a, b)) as (string | null)[];
        if (va !== vb) mixed++;
        const n = await clients[5]?.dbsize();
        if ((n as number) % 2 !== 0) odd++;
      }
    })();
    await Promise.all([...writers, flusher, reader]);
    expect({ mixed, odd }).toEqual({ mixed: 0, odd: 0 });
  });
});
