// A negative count of SRANDMEMBER / HRANDFIELD asks for that many draws with repetition. One
// of 2^62 made the core that owns the key run out of memory and die, with every key it held
// (no --dir). Past MAX_DRAWS the command fails instead, and nothing else changes.
import Redis from 'ioredis';
import { describe, expect, it } from 'vitest';
import { runtimes } from './support/runtimes.js';

describe('huge negative counts', () => {
  const servers = runtimes('corelane-kv-counts-');

  it('SRANDMEMBER and HRANDFIELD past the draw bound fail with ERR value is out of range; the cores live on', async () => {
    const { kv } = await servers.start({ port: 0, cores: 2 });
    const c = new Redis(kv.port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0 });
    await c.connect();
    await c.sadd('s', 'a', 'b');
    await c.hset('h', 'f', 'v');
    for (let i = 0; i < 20; i++) await c.set(`k${i}`, String(i));
    for (const argv of [
      ['SRANDMEMBER', 's', '-4611686018427387903'],
      ['HRANDFIELD', 'h', '-4611686018427387903'],
      ['SRANDMEMBER', 's', '-16777217'],
    ]) {
      await expect(c.call(...(argv as [string, ...string[]]))).rejects.toThrow(/^ERR value is out of range$/);
    }
    // Within the bound it draws as Redis does.
    expect(await c.call('SRANDMEMBER', 's', '-5')).toHaveLength(5);
    expect(await c.dbsize()).toBe(22);
    expect(kv.runtime.stats().cores.map((core) => core.restarts)).toEqual([0, 0]);
    c.disconnect();
  }, 60_000);
});
