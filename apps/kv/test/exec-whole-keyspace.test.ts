// EXEC of a transaction that reads or empties the whole keyspace (FLUSHALL, FLUSHDB, DBSIZE, KEYS,
// SCAN, RANDOMKEY queued inside MULTI) on --cores 2: it locks every core's whole keyspace and runs
// on all of it, atomic as one Redis's EXEC. Compared with redis-server 7.0 reply for reply (an
// EXEC's elements each by its command's rule: KEYS as a multiset, as outside a transaction).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ownerOf } from '../src/route.js';
import { digest, pattern as value } from './support/bytes.js';
import { Differential } from './support/differential.js';
import { RawClient } from './support/peers.js';
import { type KvProcess, startKvProcess } from './support/process.js';

/** The first key `prefix<i>` owned by `core` of 2. */
function on(core: number, prefix: string): string {
  for (let i = 0; ; i++) if (ownerOf(`${prefix}${i}`, 2) === core) return `${prefix}${i}`;
}
const A = on(0, 'a');
const A2 = on(0, 'x');
const B = on(1, 'b');
const B2 = on(1, 'y');

describe('EXEC over the whole keyspace of --cores 2, against redis-server', () => {
  let d: Differential;
  beforeAll(async () => {
    d = await Differential.start(() => startKvProcess(['--cores', '2']));
  });
  afterAll(async () => {
    await d?.stop();
  });
  beforeEach(async () => {
    await d.reset();
  });
  const same = async (commands: string[][]) => expect(await d.run(commands)).toEqual([]);

  it('MULTI FLUSHALL EXEC empties both cores', () =>
    same([
      ['SET', A, '1'],
      ['RPUSH', B, 'x', 'y'],
      ['HSET', B2, 'f', 'v'],
      ['SADD', A2, 'm'],
      ['MULTI'],
      ['FLUSHALL'],
      ['EXEC'],
      ['DBSIZE'],
      ['MGET', A, B],
      ['EXISTS', A, A2, B, B2],
      ['KEYS', '*'],
      ['MULTI'],
      ['SET', B, 'again'],
      ['FLUSHDB'],
      ['EXEC'],
      ['DBSIZE'],
      // First in the queue: the owners hand over no keys, and what follows sees none.
      ['SET', A, 'a'],
      ['SET', B2, 'b'],
      ['MULTI'],
      ['FLUSHDB', 'ASYNC'],
      ['GET', A],
      ['SET', B, 'new'],
      ['KEYS', '*'],
      ['EXEC'],
      ['MGET', A, B, B2],
      // A FLUSHALL that fails (a syntax error) empties nothing: what follows sees every key.
      ['MULTI'],
      ['FLUSHALL', 'NOSUCH'],
      ['GET', B],
      ['DBSIZE'],
      ['EXEC'],
    ]));

  it('MULTI DBSIZE KEYS * EXEC counts and lists the keys of both cores', () =>
    same([
      ['SET', A, '1'],
      ['SET', B, '2'],
      ['RPUSH', A2, 'l'],
      ['MULTI'],
      ['DBSIZE'],
      ['KEYS', '*'],
      ['KEYS', `${B.slice(0, 1)}*`],
      ['SCAN', '0'],
      ['EXEC'],
      ['DEL', A, A2],
      ['MULTI'],
      ['RANDOMKEY'],
      ['DBSIZE'],
      ['SCAN', '0', 'MATCH', 'b*'],
      ['EXEC'],
    ]));

  it('MULTI SET (core 0) FLUSHALL SET (core 1) EXEC: only the later SET stays', () =>
    same([
      ['SET', A2, 'old'],
      ['SET', B2, 'old'],
      ['MULTI'],
      ['SET', A, 'v0'],
      ['FLUSHALL'],
      ['SET', B, 'v1'],
      ['DBSIZE'],
      ['EXEC'],
      ['DBSIZE'],
      ['MGET', A, A2, B, B2],
      ['KEYS', '*'],
    ]));

  it('keys with expiries, and errors inside the transaction', () =>
    same([
      ['SET', A, '1', 'EX', '1000'],
      ['SET', B, 'str'],
      ['MULTI'],
      ['LPUSH', B, 'x'],
      ['DBSIZE'],
      ['PEXPIRE', B, '100000'],
      ['KEYS', '*'],
      ['EXEC'],
      ['TTL', A],
      ['TTL', B],
      ['MULTI'],
      ['DBSIZE'],
      ['NOSUCH'],
      ['EXEC'],
      ['DBSIZE'],
    ]));

  it('WATCH: a change on either core by another client aborts it; untouched, it runs', async () => {
    const theirs = await RawClient.connect(d.redisPort);
    const ours = await RawClient.connect(d.kvPort);
    const other = async (commands: string[][]) => {
      const [a, b] = await Promise.all([theirs.pipeline(commands), ours.pipeline(commands)]);
      expect(a.map((r) => r.raw.toString('latin1'))).toEqual(b.map((r) => r.raw.toString('latin1')));
    };
    try {
      await same([
        ['SET', A, '1'],
        ['SET', B, '2'],
      ]);
      for (const changed of [A, B]) {
        await same([['WATCH', A, B]]);
        await other([['SET', changed, 'other']]);
        await same([['MULTI'], ['FLUSHALL'], ['DBSIZE'], ['EXEC'], ['DBSIZE'], ['MGET', A, B]]);
      }
      // A key watched on one core, changed by this very connection, before MULTI.
      await same([['WATCH', B], ['SET', B, 'mine'], ['MULTI'], ['KEYS', '*'], ['FLUSHDB'], ['EXEC'], ['DBSIZE']]);
      // Watched and untouched: the EXEC runs and empties both.
      await same([['WATCH', A, B], ['MULTI'], ['DBSIZE'], ['FLUSHALL'], ['EXEC'], ['DBSIZE']]);
      // The EXEC's FLUSHALL touches the keys another client watches on both cores.
      await other([
        ['SET', A, 'w'],
        ['SET', B, 'w'],
        ['WATCH', A, B],
      ]);
      await same([['MULTI'], ['FLUSHALL'], ['EXEC']]);
      await other([['MULTI'], ['SET', A, 'late'], ['EXEC'], ['DBSIZE']]);
    } finally {
      theirs.close();
      ours.close();
    }
  });
});

describe('EXEC over the whole keyspace: sizes and concurrency (--cores 2)', () => {
  let kv: KvProcess;
  beforeAll(async () => {
    kv = await startKvProcess(['--cores', '2']);
  });
  afterAll(async () => {
    await kv?.close();
  });
  const client = async () => {
    const r = new Redis({ port: kv.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
    await r.connect();
    return r;
  };

  it('a core whose keys are larger than one message between cores: an error reply, nothing changed, no lock left', async () => {
    const r = await client();
    try {
      await r.flushall();
      const v = value(300_000, 5);
      for (const k of [A, A2, B, B2]) await r.set(k, v);
      for (const queue of [['DBSIZE'], ['KEYS', '*'], ['RANDOMKEY'], ['FLUSHALL', 'NOSUCH']]) {
        // Each 300 KB value alone crosses the mesh; a core's two together do not (the lock reply
        // of whichever core is not the connection's own).
        const raw = await RawClient.connect(kv.port);
        try {
          const replies = await raw.pipeline([['MULTI'], queue, ['EXEC'], ['DBSIZE']]);
          const text = replies.map((x) => x.raw.toString('latin1'));
          expect(text.slice(0, 2)).toEqual(['+OK\r\n', '+QUEUED\r\n']);
          expect(text[2]).toMatch(
            /^-ERR the keys this command reads on one core take up to \d+ bytes, more than the \d+ one message between cores may carry; nothing was changed\r\n$/,
          );
          expect(text[3]).toBe(':4\r\n');
        } finally {
          raw.close();
        }
      }
      for (const k of [A, A2, B, B2]) expect(digest(await r.getBuffer(k))).toBe(digest(v));
      // Every core still serves every kind of command (no lock outlived the transaction).
      expect(await r.mset(A, 'a', B, 'b')).toBe('OK');
      expect(await r.multi().dbsize().mget(A, B).exec()).toEqual([
        [null, 4],
        [null, ['a', 'b']],
      ]);
      // A queue that starts by emptying the keyspace needs none of it: it runs.
      const flush = await RawClient.connect(kv.port);
      try {
        const replies = await flush.pipeline([
          ['MULTI'],
          ['FLUSHALL'],
          ['SET', B, 'after'],
          ['DBSIZE'],
          ['EXEC'],
          ['DBSIZE'],
          ['MGET', A, A2, B, B2],
        ]);
        expect(replies.slice(4).map((x) => x.raw.toString('latin1'))).toEqual([
          '*3\r\n+OK\r\n+OK\r\n:1\r\n',
          ':1\r\n',
          '*4\r\n$-1\r\n$-1\r\n$5\r\nafter\r\n$-1\r\n',
        ]);
      } finally {
        flush.close();
      }
      // A piece too large to go back (two new 300 KB values for core 1) fails whole too.
      await r.flushall();
      const raw = await RawClient.connect(kv.port);
      try {
        const replies = await raw.pipeline([
          ['MULTI'],
          ['SET', A, 'small'],
          ['SET', B, v.toString('latin1')],
          ['SET', B2, v.toString('latin1')],
          ['DBSIZE'],
          ['EXEC'],
          ['DBSIZE'],
        ]);
        expect(replies[5]?.raw.toString('latin1')).toMatch(/^-ERR .*nothing was changed\r\n$/);
        expect(replies[6]?.raw.toString('latin1')).toBe(':0\r\n');
      } finally {
        raw.close();
      }
    } finally {
      r.disconnect();
    }
  });

  it('a cross-core EXEC of keys that reads more than one message from a core: an error reply, the core keeps its keys', async () => {
    const r = await client();
    try {
      await r.flushall();
      const v = value(300_000, 9);
      for (const k of [A, A2, B, B2]) await r.set(k, v);
      const reads = await RawClient.connect(kv.port);
      try {
        const replies = await reads.pipeline([
          ['MULTI'],
          ...[A, A2, B, B2].map((k) => ['STRLEN', k]),
          ['APPEND', A, 'x'],
          ['EXEC'],
          ['DBSIZE'],
        ]);
        const text = replies.map((x) => x.raw.toString('latin1'));
        expect(text[6]).toMatch(
          /^-ERR the keys this command reads on one core take up to \d+ bytes, .*nothing was changed\r\n$/,
        );
        expect(text[7]).toBe(':4\r\n');
      } finally {
        reads.close();
      }
      for (const k of [A, A2, B, B2]) expect(digest(await r.getBuffer(k))).toBe(digest(v));
    } finally {
      r.disconnect();
    }
  });

  it('atomic against cross-core writers: every EXEC sees both keys of an MSET or neither, FLUSHALL empties both', async () => {
    const writer = await client();
    const reader = await client();
    const flusher = await client();
    try {
      await writer.flushall();
      let stop = false;
      const writes = (async () => {
        for (let i = 1; !stop && i <= 2000; i++) await writer.mset(A, String(i), B, String(i));
      })();
      const flushes = (async () => {
        for (let i = 0; !stop && i < 50; i++) {
          const replies = await flusher.multi().flushall().dbsize().exec();
          expect(replies).toEqual([
            [null, 'OK'],
            [null, 0],
          ]);
        }
      })();
      try {
        for (let round = 0; round < 150; round++) {
          const replies = (await reader.multi().dbsize().keys('*').mget(A, B).exec()) as [Error | null, unknown][];
          const [size, keys, [a, b]] = replies.map(([e, x]) => {
            expect(e).toBeNull();
            return x;
          }) as [number, string[], [string | null, string | null]];
          expect(a).toBe(b);
          expect(size).toBe(a === null ? 0 : 2);
          expect([...keys].sort()).toEqual(a === null ? [] : [A, B].sort());
        }
      } finally {
        stop = true;
        await Promise.all([writes, flushes]);
      }
    } finally {
      writer.disconnect();
      reader.disconnect();
      flusher.disconnect();
    }
  });
});

describe('EXEC over the whole keyspace, durable (--cores 2 --dir, appendfsync always)', () => {
  it("each core's log replays what it did: a restart finds the same keys", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'corelane-kv-exec-whole-'));
    const start = () => startKvProcess(['--cores', '2', '--dir', dir, '--appendfsync', 'always']);
    let kv = await start();
    try {
      const r = new Redis({ port: kv.port, host: '127.0.0.1', maxRetriesPerRequest: 0 });
      try {
        await r.mset(A, '1', A2, '2', B, '3', B2, '4');
        expect(await r.multi().set(A, 'before').flushall().set(B, 'after').rpush(A2, 'x').exec()).toEqual([
          [null, 'OK'],
          [null, 'OK'],
          [null, 'OK'],
          [null, 1],
        ]);
        expect(await r.multi().dbsize().del(A2).set(B2, 'late').exec()).toEqual([
          [null, 2],
          [null, 1],
          [null, 'OK'],
        ]);
      } finally {
        r.disconnect();
      }
      await kv.close();
      kv = await start();
      const again = new Redis({ port: kv.port, host: '127.0.0.1', maxRetriesPerRequest: 0 });
      try {
        expect(await again.mget(A, A2, B, B2)).toEqual([null, null, 'after', 'late']);
        expect(await again.dbsize()).toBe(2);
      } finally {
        again.disconnect();
      }
    } finally {
      await kv.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
