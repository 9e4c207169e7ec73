// The shard engine without a network: write records replay to the same state (the WAL's
// reducer), snapshots restore it, active expiry deletes due keys and logs a DEL for each, and
// commands route to the core that owns their keys.
import { jumpPartition } from '@corelane/router';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Shard, type WriteRecord } from '../src/commands/engine.js';
import { decodeRecord, encodeRecord } from '../src/commands/record-codec.js';
import { routeCommand } from '../src/route.js';
import { newSession } from '../src/server/session.js';
import {
  hashCommands,
  keyCommands,
  listCommands,
  sequence,
  setCommands,
  stringCommands,
} from './support/arbitraries.js';

/** Writes whose effect is random: their records must say what they did. */
const randomWrites = [
  fc
    .tuple(fc.constantFrom('k0', 'k1', 'k2', 'k3'), fc.option(fc.constantFrom('1', '2', '10')))
    .map(([k, n]) => ['SPOP', k, ...(n === null ? [] : [n])]),
];

function fakeClock(start = 1_700_000_000_000) {
  let now = start;
  return {
    clock: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

function run(shard: Shard, commands: string[][], log: WriteRecord[]): void {
  for (const argv of commands) log.push(...shard.execute(argv, null, null).records);
}

describe('Shard: write records, replay, snapshots', () => {
  it('replaying the records of any command sequence rebuilds the same keyspace (200 sequences)', () => {
    fc.assert(
      fc.property(
        sequence([stringCommands, keyCommands, listCommands, hashCommands, setCommands, randomWrites], 60),
        fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 60, maxLength: 60 }),
        (commands, steps) => {
          const time = fakeClock();
          const live = new Shard({ clock: time.clock });
          const log: WriteRecord[] = [];
          commands.forEach((argv, i) => {
            run(live, [argv], log);
            time.advance(steps[i] ?? 0);
            log.push(...live.tick());
          });
          const replayed = new Shard({ clock: () => 0 });
          // Through the WAL's bytes, as a restart would read them.
          for (const record of log) replayed.apply(decodeRecord(encodeRecord(record)));
          expect(Buffer.from(replayed.snapshot()).equals(Buffer.from(live.snapshot()))).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('relative expiries are logged as absolute times, SPOP as the SREM of what it popped', () => {
    const time = fakeClock(1_000_000);
    const shard = new Shard({ clock: time.clock });
    const records = (argv: string[]) => shard.execute(argv, null, null).records.map((r) => r.argv);
    expect(records(['SET', 'k', 'v', 'EX', '10'])).toEqual([['SET', 'k', 'v', 'PXAT', '1010000']]);
    expect(records(['EXPIRE', 'k', '20'])).toEqual([['PEXPIREAT', 'k', '1020000']]);
    expect(records(['SETEX', 'k2', '5', 'v'])).toEqual([['SET', 'k2', 'v', 'PXAT', '1005000']]);
    expect(records(['INCRBYFLOAT', 'f', '0.1'])).toEqual([['SET', 'f', '0.1', 'KEEPTTL']]);
    expect(records(['SADD', 's', 'only'])).toEqual([['SADD', 's', 'only']]);
    expect(records(['SPOP', 's'])).toEqual([['SREM', 's', 'only']]);
    expect(records(['GET', 'k'])).toEqual([]);
    expect(records(['SET', 'k', 'v', 'NX'])).toEqual([]);
    time.advance(30_000);
    // A read that finds an expired key deletes it and logs the DEL, as Redis propagates one.
    expect(records(['GET', 'k'])).toEqual([['DEL', 'k']]);
  });

  it('EXEC hands out the records of its commands together, in order', () => {
    const shard = new Shard({ clock: () => 5000 });
    const session = newSession('', '', false, 0);
    for (const argv of [['MULTI'], ['SET', 'a', '1', 'EX', '1'], ['INCR', 'n'], ['GET', 'a']]) {
      expect(shard.execute(argv, session, null).records).toEqual([]);
    }
    const exec = shard.execute(['EXEC'], session, null);
    expect(exec.reply).toEqual([expect.anything(), 1, '1']);
    expect(exec.records.map((r) => r.argv)).toEqual([
      ['SET', 'a', '1', 'PXAT', '6000'],
      ['INCR', 'n'],
    ]);
  });

  it('tick() deletes expired keys a bounded number at a time and logs a DEL for each', () => {
    const time = fakeClock();
    const shard = new Shard({ clock: time.clock });
    for (let i = 0; i < 500; i++)
      shard.execute(['SET', `k${i}`, 'v', 'PX', String(i % 2 === 0 ? 100 : 100_000)], null, null);
    time.advance(1000);
    const deleted = new Set<string>();
    for (let round = 0; round < 10; round++) {
      const records = shard.tick(undefined, 1);
      expect(records.length).toBeLessThanOrEqual(200);
      for (const r of records) {
        expect(r.argv[0]).toBe('DEL');
        deleted.add(r.argv[1] as string);
      }
    }
    expect(deleted.size).toBe(250);
    expect([...deleted].every((k) => Number(k.slice(1)) % 2 === 0)).toBe(true);
    expect(shard.db.size).toBe(250);
  });

  it('tick() samples again while a quarter of a sample had expired, up to its round limit', () => {
    const time = fakeClock();
    const shard = new Shard({ clock: time.clock });
    for (let i = 0; i < 5000; i++) shard.execute(['SET', `k${i}`, 'v', 'PX', '10'], null, null);
    time.advance(100);
    expect(shard.tick(undefined, 4)).toHaveLength(800);
    expect(shard.tick()).toHaveLength(3200);
    expect(shard.db.size).toBe(1000);
    expect(shard.db.expiredCount).toBe(4000);
  });

  it('snapshot() and restore() round-trip every type, binary keys and expiry times', () => {
    const shard = new Shard({ clock: () => 1000 });
    const cmds = [
      ['SET', '\x00\xffkey', '\x01\x02é'],
      ['RPUSH', 'l', 'a', 'b', 'c'],
      ['HSET', 'h', 'f', '1', 'g', '2'],
      ['SADD', 'ints', '3', '1', '2'],
      ['SADD', 'words', 'x', 'y'],
      ['PEXPIREAT', 'l', '999999'],
    ];
    for (const argv of cmds) shard.execute(argv, null, null);
    const copy = new Shard({ clock: () => 1000 });
    copy.restore(shard.snapshot());
    const read = (s: Shard, argv: string[]) => s.execute(argv, null, null).reply;
    for (const argv of [
      ['GET', '\x00\xffkey'],
      ['LRANGE', 'l', '0', '-1'],
      ['HGETALL', 'h'],
      ['SMEMBERS', 'ints'],
      ['PEXPIRETIME', 'l'],
    ]) {
      expect(read(copy, argv)).toEqual(read(shard, argv));
    }
    expect(Buffer.from(copy.snapshot()).equals(Buffer.from(shard.snapshot()))).toBe(true);
    expect(() => copy.restore(new Uint8Array([1, 2, 3]))).toThrow();
  });
});

describe('write record bytes', () => {
  it('round-trip binary arguments and the time; refuse other bytes', () => {
    const record = { argv: ['SET', '\x00\xff\r\n', 'é\x80'], nowMs: 1_700_000_000_123 };
    expect(decodeRecord(encodeRecord(record))).toEqual(record);
    expect(() => decodeRecord(new Uint8Array([0xc0]))).toThrow();
  });
});

describe('routeCommand: the core that owns a command', () => {
  it('is jumpPartition(key, cores) of its keys, null without keys, -1 across cores', () => {
    const cores = 4;
    const owner = (k: string) => jumpPartition(Buffer.from(k, 'latin1'), cores);
    expect(routeCommand(['GET', 'user:1'], cores)).toBe(owner('user:1'));
    expect(routeCommand(['PING'], cores)).toBeNull();
    expect(routeCommand(['NOSUCH', 'x'], cores)).toBeNull();
    // MSET k v k v: keys at 1, 3, …; BLPOP k k timeout: all but the last argument.
    const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const spread = keys.some((k) => owner(k) !== owner('a'));
    expect(spread).toBe(true);
    const other = keys.find((k) => owner(k) !== owner('a')) as string;
    expect(routeCommand(['MSET', 'a', '1', other, '2'], cores)).toBe(-1);
    expect(routeCommand(['MSET', 'a', '1', 'a', '2'], cores)).toBe(owner('a'));
    expect(routeCommand(['BLPOP', 'a', other], cores)).toBe(owner('a'));
    expect(routeCommand(['SINTERCARD', '1', 'a', 'LIMIT', '1'], cores)).toBe(owner('a'));
    expect(routeCommand(['SINTERCARD', '2', 'a', other], cores)).toBe(-1);
  });
});

describe('SCAN and expiry', () => {
  it('filters by pattern before it expires a key, as Redis (an expired key it skips stays stored)', () => {
    // A fake clock and no active expiry: against a live redis-server this races its expiry cycle.
    const { clock, advance } = fakeClock();
    const shard = new Shard({ clock });
    const run = (...argv: string[]) => shard.execute(argv, null, null);
    run('SET', 'gone', '1', 'PX', '10');
    advance(100);
    expect(run('SCAN', '0', 'MATCH', 'nomatch*').reply).toEqual(['0', []]);
    expect(run('DBSIZE').reply).toBe(1);
    const matched = run('SCAN', '0', 'MATCH', 'gone');
    expect(matched.reply).toEqual(['0', []]);
    expect(matched.records.map((r) => r.argv)).toEqual([['DEL', 'gone']]);
    expect(run('DBSIZE').reply).toBe(0);
  });
});
