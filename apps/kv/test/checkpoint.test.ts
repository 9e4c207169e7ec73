// Checkpoints on the runtime: each core snapshots its shard into `<dir>/core-<i>/<seq>.ckpt` once
// enough was logged (--checkpoint-every / --checkpoint-bytes) and drops the WAL segments the
// snapshot covers, so the log stays bounded; a restart restores the snapshot and replays the
// records after it. Small segments (--wal-segment-bytes 64k) make many checkpoints and many
// truncations happen in a short run.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type Redis from 'ioredis';
import { describe, expect, it } from 'vitest';
import { client, durableHarness, killRounds } from './support/durable.js';
import { exitOf } from './support/process.js';

const { tempDir, start } = durableHarness('corelane-kv-ckpt-');

/** The files of each core's directory: its WAL segments and its checkpoints. */
function files(dir: string): { segments: number; checkpoints: number }[] {
  return readdirSync(dir)
    .sort()
    .map((core) => {
      const names = readdirSync(join(dir, core));
      return {
        segments: names.filter((n) => n.endsWith('.wal')).length,
        checkpoints: names.filter((n) => n.endsWith('.ckpt')).length,
      };
    });
}

/**
 * Every key with its type, value and absolute expiry, read as a client reads them (KEYS, TYPE,
 * …; KEYS runs on every core, SCAN today only on the connection's).
 */
async function dump(r: Redis): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const key of (await r.keys('*')).sort()) {
    const type = await r.type(key);
    let value: unknown;
    if (type === 'string') value = await r.get(key);
    else if (type === 'list') value = await r.lrange(key, 0, -1);
    else if (type === 'hash') value = await r.hgetall(key);
    else if (type === 'set') value = (await r.smembers(key)).sort();
    else value = null;
    const expireAt = await r.call('PEXPIRETIME', key);
    out.set(key, JSON.stringify([type, value, expireAt]));
  }
  return out;
}

/** A seeded xorshift32: the same writes every run. */
function random(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

/** `count` random writes of every type over 300 keys, some with absolute and relative expiries. */
async function randomWrites(r: Redis, count: number, seed: number): Promise<void> {
  const next = random(seed);
  const far = Date.now() + 3_600_000;
  for (let done = 0; done < count; ) {
    const p = r.pipeline();
    for (let i = 0; i < 100; i++, done++) {
      const k = next(300);
      const v = `v${next(1000)}`.padEnd(40, '.');
      switch (next(12)) {
        case 0:
          p.set(`s${k}`, v);
          break;
        case 1:
          p.incrby(`n${k}`, next(100));
          break;
        case 2:
          p.append(`s${k}`, v);
          break;
        case 3:
          p.rpush(`l${k}`, v, `${v}x`);
          break;
        case 4:
          p.lpop(`l${k}`);
          break;
        case 5:
          p.hset(`h${k}`, `f${next(8)}`, v);
          break;
        case 6:
          p.hdel(`h${k}`, `f${next(8)}`);
          break;
        case 7:
          p.sadd(`z${k}`, String(next(50)), v);
          break;
        case 8:
          p.srem(`z${k}`, String(next(50)));
          break;
        case 9:
          p.pexpireat(`s${k}`, far + next(100_000));
          break;
        case 10:
          p.set(`t${k}`, v, 'EX', 1000 + next(1000));
          break;
        default:
          p.del(`s${next(300)}`);
      }
    }
    await p.exec();
  }
}

const SMALL = ['--wal-segment-bytes', '64k'];

/** Restarts corelane-kv with `args` over the same dir: every key must read back as `before`. */
async function expectRestored(args: string[], before: Map<string, string>): Promise<void> {
  const again = await start(args);
  const r = await client(again.port);
  try {
    expect(await dump(r)).toEqual(before);
  } finally {
    r.disconnect();
  }
}

describe('checkpoints (--checkpoint-every, --checkpoint-bytes)', () => {
  it('a restart after many writes rebuilds every key, value and expiry exactly; the log stays bounded', async () => {
    const dir = tempDir();
    const args = ['--cores', '2', '--dir', dir, '--appendfsync', 'no', '--checkpoint-every', '2000', ...SMALL];
    const kv = await start(args);
    const r = await client(kv.port);
    const peak = [0, 0];
    for (let round = 0; round < 10; round++) {
      await randomWrites(r, 3000, round + 1);
      files(dir).forEach((f, core) => {
        peak[core] = Math.max(peak[core] as number, f.segments);
      });
    }
    const before = await dump(r);
    expect(before.size).toBeGreaterThan(500);
    r.disconnect();
    await kv.close();
    // 30,000 writes are ~3 MB of records: ~25 segments of 64 KiB per core without truncation.
    // How many segments a checkpoint leaves behind depends on how many writes arrive while it
    // runs, so the bound is loose; what matters is that it does not grow with the writes.
    const after = files(dir);
    for (const p of peak) expect(p).toBeLessThanOrEqual(10);
    for (const f of after) expect(f.checkpoints).toBe(1);
    await expectRestored(args, before);
  });

  it('by size: --checkpoint-bytes bounds the log', async () => {
    const dir = tempDir();
    const args = ['--cores', '1', '--dir', dir, '--appendfsync', 'everysec', '--checkpoint-bytes', '128k', ...SMALL];
    const kv = await start(args);
    const r = await client(kv.port);
    let peak = 0;
    const value = 'x'.repeat(200);
    for (let round = 0; round < 20; round++) {
      const p = r.pipeline();
      for (let i = 0; i < 500; i++) p.set(`k${i % 50}`, `${round}:${i}:${value}`);
      await p.exec();
      peak = Math.max(peak, files(dir)[0]?.segments ?? 0);
    }
    // 10,000 writes of ~230 bytes: ~40 segments without truncation (bound loose, as above).
    expect(peak).toBeLessThanOrEqual(12);
    const before = await dump(r);
    r.disconnect();
    await kv.close();
    // Counted once the server is closed: while it runs, a new checkpoint and the one it replaces
    // both exist for a moment (the new one is renamed in before the old one is removed, the
    // crash-safe order), so a count taken then read 2 on a loaded machine.
    expect(files(dir)[0]?.checkpoints).toBe(1);
    await expectRestored(args, before);
  });

  it('keys that expired stay expired after a restart, whether the checkpoint or the log held them', async () => {
    const dir = tempDir();
    const args = ['--cores', '2', '--dir', dir, '--appendfsync', 'always', '--checkpoint-every', '30'];
    const kv = await start(args);
    let r = await client(kv.port);
    const soon = Date.now() + 1500;
    for (let i = 0; i < 40; i++) {
      await r.set(`short${i}`, 'v', 'PX', 1500);
      await r.set(`at${i}`, 'v', 'PXAT', soon);
      await r.set(`keep${i}`, 'v', 'PXAT', soon + 3_600_000);
    }
    // PX counts from each SET: the last short key expires 1.5 s after its reply at the latest
    // (120 fsync'ed writes can take longer than `soon` leaves on a slow disk).
    const shortUntil = Date.now() + 1500;
    // Past 30 records per core: a checkpoint holds some of them, the log the rest.
    const deadline = Date.now() + 10_000;
    while (!files(dir).every((f) => f.checkpoints >= 1) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(files(dir).every((f) => f.checkpoints >= 1)).toBe(true);
    r.disconnect();
    // SIGKILL: no active expiry ran after the keys' time, nothing logged their deletion.
    kv.child.kill('SIGKILL');
    await exitOf(kv.child);
    while (Date.now() < Math.max(soon, shortUntil) + 50) await new Promise((resolve) => setTimeout(resolve, 50));

    const again = await start(args);
    r = await client(again.port);
    try {
      for (let i = 0; i < 40; i++) {
        expect(await r.exists(`short${i}`)).toBe(0);
        expect(await r.exists(`at${i}`)).toBe(0);
        expect(await r.call('PEXPIRETIME', `keep${i}`)).toBe(soon + 3_600_000);
      }
      expect((await r.keys('*')).sort()).toEqual(Array.from({ length: 40 }, (_, i) => `keep${i}`).sort());
    } finally {
      r.disconnect();
    }
  });

  it('always: a SIGKILL at random moments while checkpoints run loses no acknowledged write (4 rounds, 2 cores)', async () => {
    const dir = tempDir();
    // A checkpoint every 40 records per core: most kills land during or near one.
    const args = ['--cores', '2', '--dir', dir, '--appendfsync', 'always', '--checkpoint-every', '40', ...SMALL];
    const next = random(42);
    await killRounds(start, args, 4, () => 100 + next(300));
    expect(files(dir).every((f) => f.checkpoints >= 1)).toBe(true);
  });
});
