// The server's write records, as the WAL will receive them: a workload from a real client
// (pipelines, expiries, blocking pops, random pops, active expiry) replayed from its records
// alone rebuilds exactly the server's keyspace.
import Redis from 'ioredis';
import { describe, expect, it } from 'vitest';
import { Shard, type WriteRecord } from '../src/commands/engine.js';
import { decodeRecord, encodeRecord } from '../src/commands/record-codec.js';
import type { ShardDispatcher } from '../src/server/shard-dispatcher.js';
import { startKv } from './support/peers.js';

describe('write records of a running server', () => {
  it('replayed from their bytes, rebuild the keyspace the server holds', async () => {
    const wal: Uint8Array[] = [];
    const kv = await startKv({
      expireIntervalMs: 10,
      onRecords: (records: WriteRecord[]) => {
        wal.push(...records.map(encodeRecord));
      },
    });
    const a = new Redis({ port: kv.port, host: '127.0.0.1', maxRetriesPerRequest: 0 });
    const b = new Redis({ port: kv.port, host: '127.0.0.1', maxRetriesPerRequest: 0 });
    try {
      const pipe = a.pipeline();
      for (let i = 0; i < 200; i++) {
        pipe.set(`s:${i}`, String(i), 'EX', 1000);
        pipe.incrbyfloat(`f:${i % 7}`, '0.1');
        pipe.rpush(`l:${i % 5}`, String(i));
        pipe.hset(`h:${i % 3}`, `f${i}`, String(i));
        pipe.sadd(`set:${i % 4}`, String(i), `m${i}`);
      }
      pipe.set('short', 'gone soon', 'PX', 20);
      await pipe.exec();
      await a.spop('set:0', 10);
      await a.spop('set:1');
      const blocked = b.blpop('wait', 5);
      await new Promise((r) => setTimeout(r, 50));
      await a.rpush('wait', 'w1', 'w2');
      expect(await blocked).toEqual(['wait', 'w1']);
      await a.lmove('l:0', 'l:1', 'LEFT', 'RIGHT');
      await a.expire('s:1', -1);
      // "short" expires: deleted by the active cycle or by this read, a DEL record either way.
      const deadline = Date.now() + 5000;
      while ((await a.exists('short')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));

      const live = (kv.dispatcher as ShardDispatcher).shard;
      const replayed = new Shard();
      for (const bytes of wal) replayed.apply(decodeRecord(bytes));
      expect(Buffer.from(replayed.snapshot()).equals(Buffer.from(live.snapshot()))).toBe(true);
      expect(wal.length).toBeGreaterThan(1000);
    } finally {
      a.disconnect();
      b.disconnect();
      await kv.close();
    }
  });
});
