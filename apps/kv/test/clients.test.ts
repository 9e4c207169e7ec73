// Clients nobody here wrote, against corelane-kv: ioredis (pipelines, many connections),
// redis-cli (RESP2, RESP3, inline from stdin), and a short redis-benchmark run (it must
// complete without errors; its timings are not asserted).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KvServer } from '../src/server/server.js';
import { startKv, startRedis } from './support/peers.js';

const exec = promisify(execFile);

describe('real clients against corelane-kv', () => {
  let kv: KvServer;
  beforeAll(async () => {
    kv = await startKv();
  });
  afterAll(async () => {
    await kv?.close();
  });

  it('ioredis: commands, a 1000-command pipeline in order, 20 connections at once', async () => {
    const redis = new Redis({ port: kv.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
    await redis.connect();
    try {
      expect(await redis.set('greeting', 'hello')).toBe('OK');
      expect(await redis.get('greeting')).toBe('hello');
      expect(await redis.hset('user:1', { name: 'ada', age: '36' })).toBe(2);
      expect(await redis.hgetall('user:1')).toEqual({ name: 'ada', age: '36' });
      expect(await redis.sadd('tags', 'a', 'b', 'c')).toBe(3);
      expect((await redis.smembers('tags')).sort()).toEqual(['a', 'b', 'c']);
      await expect(redis.lpush('greeting', 'x')).rejects.toThrow('WRONGTYPE');
      expect(await redis.multi().incr('tx').incr('tx').get('tx').exec()).toEqual([
        [null, 1],
        [null, 2],
        [null, '2'],
      ]);

      const pipe = redis.pipeline();
      for (let i = 0; i < 1000; i++) pipe.incr('seq');
      const results = (await pipe.exec()) ?? [];
      expect(results.map(([e, v]) => [e, v])).toEqual(Array.from({ length: 1000 }, (_, i) => [null, i + 1]));
    } finally {
      redis.disconnect();
    }

    const many = Array.from(
      { length: 20 },
      () => new Redis({ port: kv.port, host: '127.0.0.1', maxRetriesPerRequest: 0 }),
    );
    try {
      await Promise.all(
        many.map(async (r, id) => {
          for (let i = 0; i < 50; i++) {
            await r.rpush(`list:${id}`, String(i));
            await r.incr('shared');
          }
        }),
      );
      const check = many[0] as Redis;
      expect(await check.get('shared')).toBe('1000');
      for (let id = 0; id < 20; id++) {
        expect(await check.lrange(`list:${id}`, 0, -1)).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
      }
    } finally {
      for (const r of many) r.disconnect();
    }
  });

  it('redis-cli prints the same as against redis-server: RESP2, RESP3 (-3), inline commands on stdin', async () => {
    const redis = await startRedis();
    try {
      const cli = async (port: number, args: string[], input?: string) => {
        const p = exec('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 20_000 });
        // redis-cli may exit before it reads its stdin (it does not read it when given a command).
        p.child.stdin?.on('error', () => {});
        if (input === undefined) p.child.stdin?.end();
        else p.child.stdin?.end(input);
        return (await p).stdout;
      };
      const runs: [string[], string?][] = [
        [['PING']],
        [['SET', 'cli:k', 'a value']],
        [['GET', 'cli:k']],
        [['HSET', 'cli:h', 'f', '1', 'g', '2']],
        [['-3', 'HGETALL', 'cli:h']],
        [['HGETALL', 'cli:h']],
        [['-3', 'GET', 'cli:none']],
        [['GET', 'cli:none']],
        [['INCR', 'cli:k']],
        [['RPUSH', 'cli:l', 'a', 'b']],
        [['LRANGE', 'cli:l', '0', '-1']],
        [['--no-raw', 'LRANGE', 'cli:l', '0', '-1']],
        [[], 'SET cli:p 5\nINCRBY cli:p 10\nGET cli:p\nNOSUCH x\nSET "a b" \'c d\'\nGET "a b"\n'],
      ];
      for (const [args, input] of runs) {
        expect(await cli(kv.port, args, input), args.join(' ')).toBe(await cli(redis.port, args, input));
      }
      expect(await cli(kv.port, ['INFO', 'server'])).toMatch(/redis_version:7\.0\.15/);
    } finally {
      await redis.stop();
    }
  });

  it('redis-benchmark -t set,get,incr -n 20000 -P 16 completes without errors', async () => {
    const { stdout, stderr } = await exec(
      'redis-benchmark',
      ['-h', '127.0.0.1', '-p', String(kv.port), '-q', '-t', 'set,get,incr', '-n', '20000', '-P', '16'],
      { timeout: 120_000 },
    );
    expect(stderr).not.toMatch(/error/i);
    for (const test of ['SET', 'GET', 'INCR'])
      expect(stdout).toMatch(new RegExp(`^${test}: [\\d.]+ requests per second`, 'm'));
    expect(stdout).not.toMatch(/error/i);
    // The benchmark's writes landed: its counter key holds the number of INCRs.
    const redis = new Redis({ port: kv.port, host: '127.0.0.1', maxRetriesPerRequest: 0 });
    try {
      expect(await redis.get('counter:__rand_int__')).toBe('20000');
    } finally {
      redis.disconnect();
    }
  });
});
