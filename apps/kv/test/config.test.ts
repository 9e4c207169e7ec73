// CONFIG on a server of several cores: CONFIG SET answers OK and every core applies it (a new
// connection meets the new requirepass whichever core accepts it), and CONFIG GET reports the
// persistence the server really runs with. CLIENT IDs tell the cores apart: core c of n numbers
// its connections c+1, c+1+n, ….
import Redis from 'ioredis';
import { describe, expect, it } from 'vitest';
import { runtimes } from './support/runtimes.js';

const CORES = 2;

async function connect(port: number): Promise<Redis> {
  const client = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, enableReadyCheck: false });
  await client.connect();
  return client;
}

describe('CONFIG over several cores', () => {
  const servers = runtimes('corelane-kv-config-');

  it('CONFIG SET requirepass answers OK and every core enforces it on new connections', async () => {
    const { kv } = await servers.start({ port: 0, cores: CORES });
    const admin = await connect(kv.port);
    expect(await admin.call('CONFIG', 'SET', 'requirepass', 's3cret')).toBe('OK');
    expect(await admin.call('CONFIG', 'GET', 'requirepass')).toEqual(['requirepass', 's3cret']);
    // The connection that set it stays authenticated, as in Redis.
    expect(await admin.set('k', 'v')).toBe('OK');
    const seen = new Set<number>();
    for (let i = 0; i < 200 && seen.size < CORES; i++) {
      const c = await connect(kv.port);
      try {
        await expect(c.get('k')).rejects.toThrow(/^NOAUTH Authentication required/);
        expect(await c.call('AUTH', 's3cret')).toBe('OK');
        expect(await c.get('k')).toBe('v');
        const id = Number(await c.call('CLIENT', 'ID'));
        seen.add((id - 1) % CORES);
      } finally {
        c.disconnect();
      }
    }
    expect([...seen].sort()).toEqual([0, 1]);
    admin.disconnect();
  }, 60_000);

  it('CONFIG GET reports the persistence the server runs with', async () => {
    const { kv, dir } = await servers.start({ port: 0, cores: CORES, appendfsync: 'always' }, true);
    const c = await connect(kv.port);
    expect(await c.call('CONFIG', 'GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    expect(await c.call('CONFIG', 'GET', 'appendfsync')).toEqual(['appendfsync', 'always']);
    expect(await c.call('CONFIG', 'GET', 'dir')).toEqual(['dir', dir]);
    // A setting this server cannot change at runtime is refused, as Redis refuses an immutable one.
    await expect(c.call('CONFIG', 'SET', 'appendfsync', 'no')).rejects.toThrow(/^ERR CONFIG SET failed/);
    c.disconnect();
  }, 60_000);
});
