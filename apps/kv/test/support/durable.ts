// What the durability tests share: temporary data dirs and corelane-kv processes that are cleaned
// up after each test, and an ioredis client that never retries (a write in flight when the
// server dies fails, and is not counted as acknowledged).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { afterEach, expect } from 'vitest';
import { exitOf, type KvProcess, startKvProcess } from './process.js';

/** Registers the cleanup of what {@link durableHarness}'s functions made, after every test. */
export function durableHarness(prefix: string): {
  tempDir(): string;
  start(args: string[]): Promise<KvProcess>;
} {
  const dirs: string[] = [];
  const running: KvProcess[] = [];
  afterEach(async () => {
    for (const kv of running.splice(0)) await kv.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return {
    tempDir: () => {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
    start: async (args) => {
      const kv = await startKvProcess(args);
      running.push(kv);
      return kv;
    },
  };
}

/** A connected client without retries or an offline queue. */
export async function client(port: number): Promise<Redis> {
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

/** The writers of {@link killRounds}: each owns a counter and a list of sequence numbers. */
export const WRITERS = Array.from({ length: 4 }, (_, w) => `w${w}`);

/**
 * `rounds` times over the same data dir: start corelane-kv with `args`, let 4 writers INCR their
 * counter and RPUSH its new value (each write acknowledged only once durable under
 * --appendfsync always) until `acksBeforeKill(round)` writes were acknowledged, SIGKILL the
 * server, restart it, and check that every acknowledged write is there (the INCR in flight may
 * be durable without its ack: at most one past).
 */
export async function killRounds(
  start: (args: string[]) => Promise<KvProcess>,
  args: string[],
  rounds: number,
  acksBeforeKill: (round: number) => number,
): Promise<void> {
  /** Per writer: the highest counter value acknowledged. */
  const acked = new Map<string, number>();
  for (let round = 0; round < rounds; round++) {
    const kv = await start(args);
    const clients = await Promise.all(WRITERS.map(() => client(kv.port)));
    let stop = false;
    let acks = 0;
    const loops = WRITERS.map(async (w, i) => {
      const r = clients[i] as Redis;
      while (!stop) {
        try {
          const n = await r.incr(`count:${w}`);
          await r.rpush(`log:${w}`, String(n));
          acked.set(w, n);
          acks++;
        } catch {
          return;
        }
      }
    });
    const target = acksBeforeKill(round);
    const deadline = Date.now() + 30_000;
    while (acks < target && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
    expect(acks).toBeGreaterThanOrEqual(target);
    kv.child.kill('SIGKILL');
    await exitOf(kv.child);
    stop = true;
    await Promise.all(loops);
    for (const c of clients) c.disconnect();

    const again = await start(args);
    const r = await client(again.port);
    try {
      for (const w of WRITERS) {
        const n = acked.get(w) ?? 0;
        const count = Number(await r.get(`count:${w}`));
        const log = (await r.lrange(`log:${w}`, 0, -1)).map(Number);
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
}
