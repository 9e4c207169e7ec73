// A core of corelane-kv that crashes is restarted by the runtime and listens again on the port
// every core shares: connections still reach it, and it serves the keys it owns (rebuilt from its
// WAL). CLIENT IDs tell the cores apart: core c of n numbers its connections c+1, c+1+n, ….
import Redis from 'ioredis';
import { describe, expect, it } from 'vitest';
import { routeCommand } from '../src/route.js';
import { runtimes } from './support/runtimes.js';

const module = new URL('./fixtures/crashing-core.mjs', import.meta.url);
/** Connections opened after the restart, per round: the kernel spreads them over the listening cores. */
const PER_ROUND = 8;
/** Rounds go on until a connection reached each core, or this long: a starved core may take a while to listen again. */
const ROUNDS_FOR_MS = 20_000;

describe('a crashed core of corelane-kv', () => {
  const servers = runtimes('corelane-kv-restart-');

  it('is restarted, listens again, and serves its keys', async () => {
    const { kv } = await servers.start({ port: 0, cores: 2, appendfsync: 'always', module }, true);
    const { runtime, port } = kv;
    const keys = Array.from({ length: 40 }, (_, i) => `key:${i}`);
    expect(new Set(keys.map((k) => routeCommand(['GET', k], 2)))).toEqual(new Set([0, 1]));
    const writer = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0 });
    await writer.connect();
    for (const [i, k] of keys.entries()) await writer.set(k, `v${i}`);
    writer.disconnect();

    const restarted = new Promise<number>((resolve) => runtime.once('restart', (e) => resolve(e.core)));
    expect(runtime.sendTo(1, { t: 'crash' })).toBe(true);
    expect(await restarted).toBe(1);
    // Connections in rounds until one reaches each core (the restarted one listens again once
    // its listen request is handled, which a loaded machine may delay): a round's connections are
    // closed after it, but the first, which reads the keys below.
    const served = new Set<number>();
    const clients: Redis[] = [];
    const deadline = Date.now() + ROUNDS_FOR_MS;
    try {
      while (served.size < 2 && Date.now() < deadline) {
        const opened = await Promise.all(
          Array.from({ length: PER_ROUND }, async () => {
            const c = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0 });
            clients.push(c);
            await c.connect();
            return c;
          }),
        );
        const ids = await Promise.all(opened.map((c) => c.client('ID') as Promise<number>));
        for (const id of ids) served.add((id - 1) % 2);
        for (const c of clients.splice(1)) c.disconnect();
        if (served.size < 2) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(served).toEqual(new Set([0, 1]));
      // Every key is there, whichever core the connection landed on.
      expect(await (clients[0] as Redis).mget(...keys)).toEqual(keys.map((_, i) => `v${i}`));
    } finally {
      for (const c of clients) c.disconnect();
    }
  });
});
