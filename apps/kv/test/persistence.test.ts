// Durability on the runtime: each core logs its writes to its own WAL under <dir>/core-<i> and
// replays it when it starts. With --appendfsync always a write is acknowledged only once it is
// fdatasync'ed, so after a SIGKILL in the middle of writes every acknowledged write is there.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { routeCommand } from '../src/route.js';
import { exitOf, type KvProcess, startKvProcess } from './support/process.js';

const dirs: string[] = [];
const running: KvProcess[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'corelane-kv-'));
  dirs.push(dir);
  return dir;
}

async function start(args: string[]): Promise<KvProcess> {
  const kv = await startKvProcess(args);
  running.push(kv);
  return kv;
}

afterEach(async () => {
  for (const kv of running.splice(0)) await kv.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function client(port: number): Promise<Redis> {
  // No retries: a write in flight when the server dies fails here, and is not counted as acknowledged.
  const r = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  r.on('error', () => {});
  await r.connect();
  return r;
}

describe('persistence (--dir, --appendfsync)', () => {
  it('always: after SIGKILL during writes, every acknowledged write is there (3 rounds, 2 cores)', async () => {
    const dir = tempDir();
    const args = ['--cores', '2', '--dir', dir, '--appendfsync', 'always'];
    /** Per writer: the highest counter value acknowledged, and the list length acknowledged. */
    const acked = new Map<string, number>();
    const writers = Array.from({ length: 4 }, (_, w) => `w${w}`);
    for (let round = 0; round < 3; round++) {
      const kv = await start(args);
      const clients = await Promise.all(writers.map(() => client(kv.port)));
      let stop = false;
      let acks = 0;
      const loops = writers.map(async (w, i) => {
        const r = clients[i] as Redis;
        while (!stop) {
          try {
            // Two keys per writer (on whichever cores they hash to): a counter and a list of
            // sequence numbers, each write acknowledged only once durable.
            const n = await r.incr(`count:${w}`);
            await r.rpush(`log:${w}`, String(n));
            acked.set(w, n);
            acks++;
          } catch {
            return;
          }
        }
      });
      const deadline = Date.now() + 30_000;
      while (acks < 150 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      expect(acks).toBeGreaterThanOrEqual(150);
      kv.child.kill('SIGKILL');
      await exitOf(kv.child);
      stop = true;
      await Promise.all(loops);
      for (const c of clients) c.disconnect();

      const again = await start(args);
      const r = await client(again.port);
      try {
        for (const w of writers) {
          const n = acked.get(w) ?? 0;
          const count = Number(await r.get(`count:${w}`));
          const log = (await r.lrange(`log:${w}`, 0, -1)).map(Number);
          // The INCR in flight may be durable without its ack: at most one past what was acked.
          expect(count, w).toBeGreaterThanOrEqual(n);
          expect(count, w).toBeLessThanOrEqual(n + 1);
          expect(log.slice(0, n), w).toEqual(Array.from({ length: n }, (_, i) => i + 1));
          expect(log.length, w).toBeLessThanOrEqual(count);
          // Continue from the state the log rebuilt.
          acked.set(w, count);
          if (log.length < count) await r.rpush(`log:${w}`, String(count));
        }
      } finally {
        r.disconnect();
      }
      await again.close();
    }
    expect(readdirSync(dir).sort()).toEqual(['core-0', 'core-1']);
    const owners = new Set(writers.flatMap((w) => [`count:${w}`, `log:${w}`]).map((k) => routeCommand(['GET', k], 2)));
    expect(owners).toEqual(new Set([0, 1]));
  });

  for (const policy of ['everysec', 'no'] as const) {
    it(`${policy}: a clean stop and a restart keep every type of value, and absolute expiries`, async () => {
      const dir = tempDir();
      const args = ['--cores', '2', '--dir', dir, '--appendfsync', policy];
      const kv = await start(args);
      let r = await client(kv.port);
      const keys = Array.from({ length: 16 }, (_, i) => `k${i}`);
      for (const k of keys) {
        await r.set(`s:${k}`, k);
        await r.hset(`h:${k}`, 'f', k);
        await r.sadd(`z:${k}`, 'a', 'b');
      }
      await r.set('ttl', 'v', 'EX', 1000);
      await r.set('gone', 'v', 'PX', 1);
      await r.del('s:k0');
      r.disconnect();
      await kv.close();

      const again = await start(args);
      r = await client(again.port);
      try {
        expect(await r.get('s:k0')).toBeNull();
        for (const k of keys.slice(1)) expect(await r.get(`s:${k}`)).toBe(k);
        for (const k of keys) expect(await r.hget(`h:${k}`, 'f')).toBe(k);
        for (const k of keys) expect((await r.smembers(`z:${k}`)).sort()).toEqual(['a', 'b']);
        const ttl = await r.ttl('ttl');
        expect(ttl).toBeGreaterThan(900);
        expect(ttl).toBeLessThanOrEqual(1000);
        expect(await r.get('gone')).toBeNull();
        expect(await r.dbsize()).toBe(keys.length * 3 - 1 + 1);
      } finally {
        r.disconnect();
      }
    });
  }
});
