// Expiry in real time on both servers: a key read after its time is gone (lazy), a key never
// read again is deleted by the periodic cycle (active), and TTLs count down.
import { describe, expect, it } from 'vitest';
import { bothConnected, type RawClient } from './support/peers.js';

async function text(c: RawClient, commands: string[][]): Promise<string[]> {
  return (await c.pipeline(commands)).map((r) => r.raw.toString('latin1'));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('expiry, lazy and active, as redis-server 7.0 does it', () => {
  const peers = bothConnected();

  it('a key read after its PX time is gone, with the replies Redis gives', async () => {
    const setup = [
      ['FLUSHALL'],
      ['SET', 'a', '1', 'PX', '50'],
      ['RPUSH', 'l', 'x'],
      ['PEXPIRE', 'l', '50'],
      ['HSET', 'h', 'f', 'v'],
      ['PEXPIRE', 'h', '50'],
    ];
    await Promise.all([text(peers.theirs, setup), text(peers.ours, setup)]);
    await sleep(200);
    const after = [
      ['GET', 'a'],
      ['LLEN', 'l'],
      ['HGET', 'h', 'f'],
      ['TTL', 'a'],
      ['EXISTS', 'a', 'l', 'h'],
      ['SET', 'a', '2', 'XX'],
      ['APPEND', 'a', 'z'],
    ];
    expect(await text(peers.ours, after)).toEqual(await text(peers.theirs, after));
  });

  it('keys nobody reads again are deleted by the active cycle (DBSIZE drops to 0)', async () => {
    const setup = [
      ['FLUSHALL'],
      ...Array.from({ length: 300 }, (_, i) => ['SET', `k${i}`, 'v', 'PX', String(20 + (i % 50))]),
    ];
    await Promise.all([text(peers.theirs, setup), text(peers.ours, setup)]);
    const deadline = Date.now() + 10_000;
    let size = -1;
    while (Date.now() < deadline) {
      // DBSIZE reads no key: only the active cycle can bring it down.
      size = Number((await peers.ours.pipeline([['DBSIZE']]))[0]?.reply.value);
      if (size === 0) break;
      await sleep(50);
    }
    expect(size).toBe(0);
  });

  it('TTL and PTTL count down; PERSIST stops it', async () => {
    await text(peers.ours, [['FLUSHALL'], ['SET', 't', 'v', 'EX', '100']]);
    const [ttl, pttl] = (
      await peers.ours.pipeline([
        ['TTL', 't'],
        ['PTTL', 't'],
      ])
    ).map((r) => Number(r.reply.value));
    expect(ttl).toBeGreaterThanOrEqual(99);
    expect(ttl).toBeLessThanOrEqual(100);
    expect(pttl).toBeGreaterThan(90_000);
    expect(pttl).toBeLessThanOrEqual(100_000);
    expect(
      await text(peers.ours, [
        ['PERSIST', 't'],
        ['TTL', 't'],
      ]),
    ).toEqual([':1\r\n', ':-1\r\n']);
  });
});
