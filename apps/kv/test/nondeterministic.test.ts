// Commands whose replies are random or cursor-shaped, checked by what Redis guarantees rather
// than by bytes: a full SCAN returns every key present throughout at least once (even while
// keys come and go), SPOP removes what it returns, SRANDMEMBER/HRANDFIELD draw from the
// collection with or without repetition, RANDOMKEY returns a key that exists, TIME is now.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedReply } from '../src/resp/reply-parser.js';
import type { KvServer } from '../src/server/server.js';
import { RawClient, startKv } from './support/peers.js';

const strings = (r: ParsedReply | undefined): string[] =>
  ((r?.value ?? []) as ParsedReply[]).map((x) => x.value as string);

describe('random and cursor replies', () => {
  let kv: KvServer;
  let c: RawClient;
  const call = async (...argv: string[]) => (await c.pipeline([argv]))[0]?.reply as ParsedReply;
  beforeAll(async () => {
    kv = await startKv();
    c = await RawClient.connect(kv.port);
  });
  afterAll(async () => {
    c?.close();
    await kv?.close();
  });

  async function scanAll(
    argv: (cursor: string) => string[],
    during?: (step: number) => Promise<void>,
  ): Promise<string[]> {
    const seen: string[] = [];
    let cursor = '0';
    for (let step = 0; step < 10_000; step++) {
      const reply = (await c.pipeline([argv(cursor)]))[0]?.reply.value as ParsedReply[];
      cursor = reply[0]?.value as string;
      seen.push(...strings(reply[1]));
      await during?.(step);
      if (cursor === '0') return seen;
    }
    throw new Error('SCAN did not finish in 10,000 steps');
  }

  it('SCAN visits every key present throughout at least once while other keys come and go', async () => {
    await c.pipeline([['FLUSHALL'], ['MSET', ...Array.from({ length: 500 }, (_, i) => [`stay:${i}`, 'v']).flat()]]);
    let churn = 0;
    const seen = await scanAll(
      (cursor) => ['SCAN', cursor, 'COUNT', '25'],
      async () => {
        await c.pipeline([
          ['SET', `churn:${churn}`, 'v'],
          ['DEL', `churn:${churn - 3}`],
        ]);
        churn++;
      },
    );
    const stay = new Set(seen.filter((k) => k.startsWith('stay:')));
    expect(stay.size).toBe(500);
    expect(churn).toBeGreaterThan(5);
  });

  it('SCAN MATCH and TYPE filter; SSCAN and HSCAN iterate large collections completely', async () => {
    await c.pipeline([
      ['FLUSHALL'],
      ['MSET', 'a1', 'v', 'a2', 'v', 'b1', 'v'],
      ['RPUSH', 'alist', 'x'],
      ['SADD', 'big', ...Array.from({ length: 1000 }, (_, i) => `m${i}`)],
      ['HSET', 'hbig', ...Array.from({ length: 300 }, (_, i) => [`f${i}`, `v${i}`]).flat()],
    ]);
    expect((await scanAll((cur) => ['SCAN', cur, 'MATCH', 'a*'])).sort()).toEqual(['a1', 'a2', 'alist']);
    expect((await scanAll((cur) => ['SCAN', cur, 'TYPE', 'list'])).sort()).toEqual(['alist']);
    expect(new Set(await scanAll((cur) => ['SSCAN', 'big', cur, 'COUNT', '50'])).size).toBe(1000);
    const pairs = await scanAll((cur) => ['HSCAN', 'hbig', cur, 'COUNT', '40']);
    const fields = new Map<string, string>();
    for (let i = 0; i < pairs.length; i += 2) fields.set(pairs[i] as string, pairs[i + 1] as string);
    expect(fields.size).toBe(300);
    expect(fields.get('f7')).toBe('v7');
  });

  it('SPOP removes exactly what it returns; SRANDMEMBER and HRANDFIELD draw from the collection', async () => {
    const members = Array.from({ length: 20 }, (_, i) => `m${i}`);
    await c.pipeline([['FLUSHALL'], ['SADD', 's', ...members], ['HSET', 'h', 'a', '1', 'b', '2', 'c', '3']]);
    const popped = [...strings(await call('SPOP', 's', '5')), (await call('SPOP', 's')).value as string];
    expect(new Set(popped).size).toBe(6);
    const left = strings(await call('SMEMBERS', 's'));
    expect(left.length).toBe(14);
    expect([...left, ...popped].sort()).toEqual([...members].sort());

    const distinct = strings(await call('SRANDMEMBER', 's', '5'));
    expect(new Set(distinct).size).toBe(5);
    const repeated = strings(await call('SRANDMEMBER', 's', '-50'));
    expect(repeated.length).toBe(50);
    expect(repeated.every((m) => left.includes(m))).toBe(true);
    expect(left).toContain((await call('SRANDMEMBER', 's')).value);

    const withValues = strings(await call('HRANDFIELD', 'h', '-10', 'WITHVALUES'));
    expect(withValues.length).toBe(20);
    for (let i = 0; i < 20; i += 2) expect({ a: '1', b: '2', c: '3' }[withValues[i] as 'a']).toBe(withValues[i + 1]);
    expect(new Set(strings(await call('HRANDFIELD', 'h', '2'))).size).toBe(2);
  });

  it('RANDOMKEY returns an existing key, or nil when there is none; TIME is the current time', async () => {
    await c.pipeline([['FLUSHALL']]);
    expect((await call('RANDOMKEY')).value).toBeNull();
    await c.pipeline([['MSET', 'x', '1', 'y', '2']]);
    for (let i = 0; i < 10; i++) expect(['x', 'y']).toContain((await call('RANDOMKEY')).value);
    const [seconds, micros] = strings(await call('TIME')).map(Number) as [number, number];
    expect(Math.abs(seconds - Date.now() / 1000)).toBeLessThan(60);
    expect(micros).toBeGreaterThanOrEqual(0);
    expect(micros).toBeLessThan(1_000_000);
  });
});
