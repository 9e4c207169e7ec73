// The per-key locks of one core (KeyGate, TxHost): what waits behind a lock, in which order,
// and that the locks of a coordinator core that restarted die with it.
import { describe, expect, it } from 'vitest';
import type { Session } from '../src/commands/context.js';
import type { Reply } from '../src/resp/reply.js';
import { KeyGate } from '../src/server/key-gate.js';
import { restoreKeysInto } from '../src/server/key-state.js';
import { TxHost } from '../src/server/participant.js';
import { newSession } from '../src/server/session.js';
import { ShardDispatcher } from '../src/server/shard-dispatcher.js';
import { noServer } from './support/hooks.js';

const hooks = noServer;

function setup(): { gate: KeyGate; host: TxHost; shard: ShardDispatcher; session: () => Session } {
  const shard = new ShardDispatcher({ hooks });
  const gate = new KeyGate(shard);
  return { gate, host: new TxHost(gate, shard), shard, session: () => newSession('', '', false, 0) };
}

/** Runs `argv`; the reply (a Promise when it waits) and whether it waited. */
function send(gate: KeyGate, session: Session, ...argv: string[]): { reply: Promise<Reply>; waited: boolean } {
  const { reply, blocking } = gate.dispatch(argv, session);
  return { reply: Promise.resolve(reply), waited: reply instanceof Promise && blocking };
}

describe('KeyGate: the key locks of one core', () => {
  it('a command on a locked key waits, in arrival order; other keys go on at once', async () => {
    const { gate, session } = setup();
    const [s1, s2, s3] = [session(), session(), session()];
    await gate.lock('1:0:1', ['k']);
    const first = send(gate, s1, 'SET', 'k', 'a');
    const second = send(gate, s2, 'APPEND', 'k', 'b');
    const other = send(gate, s3, 'SET', 'free', 'x');
    expect([first.waited, second.waited, other.waited]).toEqual([true, true, false]);
    expect(await other.reply).toEqual(expect.anything());
    // A second transaction on k queues behind the commands that came before it.
    let locked = false;
    const next = gate.lock('1:0:2', ['k']).then(() => {
      locked = true;
    });
    expect(gate.stats).toEqual({ locked: 1, waiting: 3 });
    gate.unlock('1:0:1');
    await next;
    expect(locked).toBe(true);
    expect(await second.reply).toBe(2);
    const read = send(gate, s3, 'GET', 'k');
    expect(read.waited).toBe(true);
    gate.unlock('1:0:2');
    expect(await read.reply).toBe('ab');
    expect(gate.stats).toEqual({ locked: 0, waiting: 0 });
  });

  it("a connection's commands keep their order: one that waits holds back the ones after it", async () => {
    const { gate, session } = setup();
    const [s1, s2] = [session(), session()];
    await gate.lock('0:0:1', ['locked']);
    const a = send(gate, s1, 'SET', 'locked', '1');
    const b = send(gate, s1, 'SET', 'free', '1');
    // Another connection: a key nothing waits for goes on, one a waiting command claims waits.
    const c = send(gate, s2, 'GET', 'other');
    const d = send(gate, s2, 'GET', 'free');
    expect([a.waited, b.waited, c.waited, d.waited]).toEqual([true, true, false, true]);
    expect(await c.reply).toBeNull();
    gate.unlock('0:0:1');
    await Promise.all([a.reply, b.reply]);
    expect(await d.reply).toBe('1');
    expect(await send(gate, s2, 'MGET', 'locked', 'free').reply).toEqual(['1', '1']);
  });

  it('DBSIZE, KEYS, SCAN and FLUSHALL wait for every lock; keyless commands do not', async () => {
    const { gate, session } = setup();
    const s = session();
    await send(gate, s, 'SET', 'k', 'v').reply;
    await gate.lock('0:0:1', ['k']);
    const [flush, ping] = [send(gate, session(), 'FLUSHALL'), send(gate, session(), 'PING')];
    expect([flush.waited, ping.waited]).toEqual([true, false]);
    gate.unlock('0:0:1');
    await flush.reply;
    expect(await send(gate, s, 'DBSIZE').reply).toBe(0);
  });

  it('the locks and waiting lock requests of a restarted coordinator core die; the others stay', async () => {
    const { gate, host, session } = setup();
    await host.lock('1:0:7', ['a', 'b'], null, 'values');
    await host.lock('2:0:1', ['c'], null, 'values');
    // Core 1 also waits for c (it would get it once core 2 releases).
    let stale = false;
    void gate.lock('1:0:8', ['c']).then(() => {
      stale = true;
    });
    const onA = send(gate, session(), 'SET', 'a', '1');
    const onC = send(gate, session(), 'SET', 'c', '1');
    host.reset(1);
    expect(await onA.reply).toEqual(expect.anything());
    expect(onC.waited).toBe(true);
    expect(gate.holds('2:0:1')).toBe(true);
    host.release('2:0:1', null, { unwatch: false, park: null }, () => {});
    await onC.reply;
    await Promise.resolve();
    expect(stale).toBe(false);
    expect(gate.stats).toEqual({ locked: 0, waiting: 0 });
  });

  it('a park tells its coordinator once a key gets elements, and can be taken back', async () => {
    const { gate, host, session } = setup();
    const s = session();
    const woken: string[] = [];
    await host.lock('1:0:1', ['q'], null, 'values');
    host.release('1:0:1', null, { unwatch: false, park: ['q'] }, () => woken.push('first'));
    await host.lock('1:0:2', ['r'], null, 'values');
    host.release('1:0:2', null, { unwatch: false, park: ['r'] }, () => woken.push('second'));
    host.unpark('1:0:2');
    await send(gate, s, 'RPUSH', 'r', 'x').reply;
    await send(gate, s, 'RPUSH', 'q', 'x').reply;
    expect(woken).toEqual(['first']);
    // The park took nothing: the element is still there.
    expect(await send(gate, s, 'LLEN', 'q').reply).toBe(1);
  });

  it('a park that fired holds back the clients parked after it on its key; its unpark serves them', async () => {
    const { gate, host, session } = setup();
    let woken = 0;
    await host.lock('1:0:1', ['q'], null, 'values');
    host.release('1:0:1', null, { unwatch: false, park: ['q'] }, () => woken++);
    const later = send(gate, session(), 'BLPOP', 'q', '0');
    expect(later.waited).toBe(true);
    let served = false;
    void later.reply.then(() => {
      served = true;
    });
    await send(gate, session(), 'RPUSH', 'q', 'a').reply;
    await send(gate, session(), 'RPUSH', 'q', 'b').reply;
    await new Promise((r) => setImmediate(r));
    // Told once; the elements wait for the coordinator's retry (it blocked first).
    expect([woken, served]).toEqual([1, false]);
    expect(await send(gate, session(), 'LLEN', 'q').reply).toBe(2);
    host.unpark('1:0:1');
    expect(await later.reply).toEqual(['q', 'a']);
    expect(host.parked).toBe(0);
    expect(await send(gate, session(), 'LRANGE', 'q', '0', '-1').reply).toEqual(['b']);
  });
});

describe('TxHost.lock: the rows a lock hands the coordinator', () => {
  it("hands a copy of every present key's value and expiry; a write-only lock (MSET) hands none", async () => {
    const { gate, host, shard, session } = setup();
    const s = session();
    await send(gate, s, 'RPUSH', 'list', 'a', 'b').reply;
    await send(gate, s, 'SET', 'str', 'v', 'PX', '100000').reply;
    const read = await host.lock('1:0:1', ['list', 'str', 'absent'], null, 'values');
    expect(read.rows.map((r) => r[0]).sort()).toEqual(['list', 'str']);
    const str = read.rows.find((r) => r[0] === 'str');
    expect(str?.[3]).toBe(shard.shard.db.getExpire('str'));
    // Restored on a scratch keyspace and changed there, the owner's list stays as it was.
    const scratch = new ShardDispatcher({ hooks });
    restoreKeysInto(scratch.shard.db, read.rows);
    await scratch.dispatch(['RPUSH', 'list', 'c'], s).reply;
    expect(await scratch.dispatch(['LRANGE', 'list', '0', '-1'], s).reply).toEqual(['a', 'b', 'c']);
    host.release('1:0:1', null, { unwatch: false, park: null }, () => {});
    expect(await send(gate, s, 'LRANGE', 'list', '0', '-1').reply).toEqual(['a', 'b']);
    const blind = await host.lock('1:0:2', ['list', 'str'], null, 'none');
    expect(blind.rows).toEqual([]);
    expect(gate.holds('1:0:2')).toBe(true);
    host.release('1:0:2', null, { unwatch: false, park: null }, () => {});
    // Presence only (DEL, EXISTS…): each present key with its expiry, its value left behind.
    const present = await host.lock('1:0:3', ['list', 'str', 'absent'], null, 'presence');
    expect(present.rows.map((r) => [r[0], r[1], r[2], r[3]]).sort()).toEqual([
      ['list', 0, '', -1],
      ['str', 0, '', shard.shard.db.getExpire('str')],
    ]);
    host.release('1:0:3', null, { unwatch: false, park: null }, () => {});
  });

  it('a whole-keyspace lock hands every key; rows past the bound fail it and leave nothing locked', async () => {
    const { gate, host, session } = setup();
    const s = session();
    await send(gate, s, 'SET', 'a', '1').reply;
    await send(gate, s, 'RPUSH', 'l', 'x', 'y').reply;
    await send(gate, s, 'SET', 'big', 'v'.repeat(1000)).reply;
    const grant = await host.lock('1:0:1', ['a', 'a'], null, 'values', true);
    expect(grant.rows.map((r) => r[0]).sort()).toEqual(['a', 'big', 'l']);
    // Every key is the transaction's: a command on any key waits for the release.
    const waiting = send(gate, s, 'GET', 'l2');
    expect(waiting.waited).toBe(true);
    host.release('1:0:1', null, { unwatch: false, park: null }, () => {});
    expect(await waiting.reply).toBe(null);
    // A key named twice is handed over once.
    expect((await host.lock('1:0:2', ['a', 'a'], null, 'values')).rows).toHaveLength(1);
    host.release('1:0:2', null, { unwatch: false, park: null }, () => {});
    await expect(host.lock('1:0:3', [], null, 'values', true, 500)).rejects.toThrow(
      /take up to \d+ bytes, more than the 500 one message between cores may carry; nothing was changed/,
    );
    await expect(host.lock('1:0:4', ['big'], null, 'values', false, 500)).rejects.toMatchObject({
      code: 'ERR_CORELANE_RECORD_TOO_LARGE',
    });
    expect(gate.stats).toEqual({ locked: 0, waiting: 0 });
    expect(await send(gate, s, 'DBSIZE').reply).toBe(3);
  });
});

describe('KeyGate: the whole keyspace locked (FLUSHALL, DBSIZE, KEYS over every core)', () => {
  it('every command with keys waits for it, keyless ones do not; it waits for the key locks before it', async () => {
    const { gate, host, session } = setup();
    await host.lock('1:0:1', ['k'], null, 'values');
    let whole = false;
    const all = gate.lock('2:0:1', [], true).then(() => {
      whole = true;
    });
    // Behind the whole-keyspace request, even a key nobody holds waits.
    const other = send(gate, session(), 'SET', 'free', 'x');
    const ping = send(gate, session(), 'PING');
    expect([other.waited, ping.waited]).toEqual([true, false]);
    await new Promise((r) => setImmediate(r));
    expect(whole).toBe(false);
    gate.unlock('1:0:1');
    await all;
    expect(gate.holds('2:0:1')).toBe(true);
    expect(gate.stats).toEqual({ locked: 1, waiting: 1 });
    const read = send(gate, session(), 'GET', 'k');
    expect(read.waited).toBe(true);
    gate.unlock('2:0:1');
    await other.reply;
    expect(await read.reply).toBe(null);
    expect(gate.stats).toEqual({ locked: 0, waiting: 0 });
  });
});

describe('KeyGate: a connection that leaves', () => {
  it('a BLPOP of its still waiting behind a lock never parks: a later push stays in the list', async () => {
    const { gate, session } = setup();
    const [leaving, other] = [session(), session()];
    await gate.lock('1:0:1', ['q']);
    const blpop = send(gate, leaving, 'BLPOP', 'q', '0');
    expect(blpop.waited).toBe(true);
    gate.disconnect(leaving);
    gate.unlock('1:0:1');
    await send(gate, other, 'RPUSH', 'q', 'x').reply;
    expect(await send(gate, other, 'LRANGE', 'q', '0', '-1').reply).toEqual(['x']);
  });
});

describe("TxHost.commit: a blind write's last owner", () => {
  it("applies under the transaction's own locks, opens the keys only once applied, and refuses a transaction that holds none", async () => {
    const { gate, host, session } = setup();
    const s1 = session();
    await host.lock('1:0:5', ['k', 'j'], null, 'none');
    // A reader after the lock waits: it sees the commit's values, never the old ones.
    const read = send(gate, s1, 'MGET', 'k', 'j');
    expect(read.waited).toBe(true);
    await host.commit('1:0:5', [{ argv: ['MSET', 'k', 'new', 'j', 'new'], nowMs: Date.now() }]);
    expect(gate.holds('1:0:5')).toBe(false);
    expect(await read.reply).toEqual(['new', 'new']);
    expect(gate.stats).toEqual({ locked: 0, waiting: 0 });
    // Its coordinator restarted before the commit: the locks died, the commit changes nothing.
    await host.lock('1:0:6', ['k'], null, 'none');
    host.reset(1);
    await expect(host.commit('1:0:6', [{ argv: ['MSET', 'k', 'v6'], nowMs: Date.now() }])).rejects.toThrow(
      /holds no locks/,
    );
    expect(await send(gate, s1, 'GET', 'k').reply).toEqual('new');
    expect(gate.stats).toEqual({ locked: 0, waiting: 0 });
  });
});
