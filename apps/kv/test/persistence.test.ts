// Durability on the runtime: each core logs its writes to its own WAL under <dir>/core-<i> and
// replays it when it starts. With --appendfsync always a write is acknowledged only once it is
// fdatasync'ed, so after a SIGKILL in the middle of writes every acknowledged write is there.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { routeCommand } from '../src/route.js';
import { client, durableHarness, killRounds, WRITERS } from './support/durable.js';

const { tempDir, start } = durableHarness('corelane-kv-');

describe('persistence (--dir, --appendfsync)', () => {
  it('always: after SIGKILL during writes, every acknowledged write is there (3 rounds, 2 cores)', async () => {
    const dir = tempDir();
    const args = ['--cores', '2', '--dir', dir, '--appendfsync', 'always'];
    await killRounds(start, args, 3, () => 150);
    expect(readdirSync(dir).sort()).toEqual(['core-0', 'core-1']);
    const owners = new Set(WRITERS.flatMap((w) => [`count:${w}`, `log:${w}`]).map((k) => routeCommand(['GET', k], 2)));
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
