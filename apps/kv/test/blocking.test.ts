// Blocking list commands across connections, run as the same script against redis-server 7.0
// and corelane-kv: who is woken, in which order, with which bytes, and what a timeout answers.
import { describe, expect, it } from 'vitest';
import { bothServers, encodeCommand, RawClient } from './support/peers.js';

type Script = (port: number) => Promise<string[]>;

const raw = async (c: RawClient, n = 1) => (await c.read(n)).map((r) => r.raw.toString('latin1'));
const settle = () => new Promise((r) => setTimeout(r, 50));

/**
 * Waits until the server says `n` clients are blocked (`INFO clients`, asked on `c`), bounded at
 * 10 s: for a script whose outcome depends on a block or a disconnect having been seen, which a
 * fixed settle() cannot promise on a loaded machine.
 */
async function untilBlocked(c: RawClient, n: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const [info] = await c.pipeline([['INFO', 'clients']]);
    const blocked = Number(/blocked_clients:(\d+)/.exec(info?.raw.toString('latin1') ?? '')?.[1]);
    if (blocked === n) return;
    if (Date.now() > deadline) throw new Error(`${blocked} clients blocked after 10 s, expected ${n}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function clients(port: number, n: number): Promise<RawClient[]> {
  const out: RawClient[] = [];
  for (let i = 0; i < n; i++) out.push(await RawClient.connect(port));
  await out[0]?.pipeline([['FLUSHALL']]);
  return out;
}

const scripts: Record<string, Script> = {
  'a push wakes a blocked BLPOP; the pusher sees the length before the pop': async (port) => {
    const [a, b] = (await clients(port, 2)) as [RawClient, RawClient];
    a.write(encodeCommand(['BLPOP', 'q', '5']));
    await settle();
    const pushed = await b.pipeline([['RPUSH', 'q', 'x']]);
    const out = [...pushed.map((r) => r.raw.toString('latin1')), ...(await raw(a))];
    out.push(...(await b.pipeline([['LLEN', 'q']])).map((r) => r.raw.toString('latin1')));
    a.close();
    b.close();
    return out;
  },
  'waiters are served first come, first served, one element each': async (port) => {
    const [a, b, c] = (await clients(port, 3)) as [RawClient, RawClient, RawClient];
    a.write(encodeCommand(['BRPOP', 'q', '5']));
    await settle();
    c.write(encodeCommand(['BLPOP', 'other', 'q', '5']));
    await settle();
    const out = (await b.pipeline([['RPUSH', 'q', 'one', 'two', 'three']])).map((r) => r.raw.toString('latin1'));
    out.push(...(await raw(a)), ...(await raw(c)));
    out.push(...(await b.pipeline([['LRANGE', 'q', '0', '-1']])).map((r) => r.raw.toString('latin1')));
    for (const x of [a, b, c]) x.close();
    return out;
  },
  'a timeout answers a null array, and commands pipelined behind it run after': async (port) => {
    const [a] = (await clients(port, 1)) as [RawClient];
    const out = (
      await a.pipeline([['BLPOP', 'none', '0.1'], ['PING'], ['BLMOVE', 'none', 'x', 'LEFT', 'LEFT', '0.05']])
    ).map((r) => r.raw.toString('latin1'));
    a.close();
    return out;
  },
  'BLMOVE is woken by a push and its own push wakes the next waiter': async (port) => {
    const [a, b, c] = (await clients(port, 3)) as [RawClient, RawClient, RawClient];
    c.write(encodeCommand(['BLPOP', 'dst', '5']));
    await settle();
    a.write(encodeCommand(['BLMOVE', 'src', 'dst', 'RIGHT', 'LEFT', '5']));
    await settle();
    const out = (await b.pipeline([['LPUSH', 'src', 'v']])).map((r) => r.raw.toString('latin1'));
    out.push(...(await raw(a)), ...(await raw(c)));
    out.push(...(await b.pipeline([['EXISTS', 'src', 'dst']])).map((r) => r.raw.toString('latin1')));
    for (const x of [a, b, c]) x.close();
    return out;
  },
  'a client that disconnects while blocked takes no element': async (port) => {
    const [a, b] = (await clients(port, 2)) as [RawClient, RawClient];
    a.write(encodeCommand(['BLPOP', 'q', '5']));
    await untilBlocked(b, 1);
    a.close();
    await untilBlocked(b, 0); // the server has seen the disconnect: the push must not go to a
    const out = (
      await b.pipeline([
        ['RPUSH', 'q', 'kept'],
        ['LRANGE', 'q', '0', '-1'],
      ])
    ).map((r) => r.raw.toString('latin1'));
    b.close();
    return out;
  },
  'a non-list key makes BLPOP fail at once; an existing element is served at once': async (port) => {
    const [a] = (await clients(port, 1)) as [RawClient];
    const out = (
      await a.pipeline([
        ['SET', 's', 'x'],
        ['BLPOP', 'empty', 's', '1'],
        ['RPUSH', 'l', 'a'],
        ['BLPOP', 'empty', 'l', '1'],
        ['BRPOPLPUSH', 'l', 'l', '0.1'],
      ])
    ).map((r) => r.raw.toString('latin1'));
    a.close();
    return out;
  },
  'a timeout past 2^31 ms still waits (setTimeout would fire at once)': async (port) => {
    const [a, b] = (await clients(port, 2)) as [RawClient, RawClient];
    a.write(encodeCommand(['BLPOP', 'q', '3000000']));
    await new Promise((r) => setTimeout(r, 200));
    const out = (await b.pipeline([['RPUSH', 'q', 'late']])).map((r) => r.raw.toString('latin1'));
    out.push(...(await raw(a)));
    a.close();
    b.close();
    return out;
  },
  'RESP3 clients get _ on timeout': async (port) => {
    const [a] = (await clients(port, 1)) as [RawClient];
    await a.pipeline([['HELLO', '3']]);
    const out = (
      await a.pipeline([
        ['BLPOP', 'none', '0.05'],
        ['BLMOVE', 'none', 'x', 'LEFT', 'LEFT', '0.05'],
      ])
    ).map((r) => r.raw.toString('latin1'));
    a.close();
    return out;
  },
};

describe('blocking commands behave as in redis-server 7.0', () => {
  const peers = bothServers();

  for (const [name, script] of Object.entries(scripts)) {
    it(name, async () => {
      const theirs = await script(peers.redis.port);
      const ours = await script(peers.kv.port);
      expect(ours).toEqual(theirs);
    });
  }
});
