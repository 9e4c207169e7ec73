// With appendfsync always a write is acknowledged once durable; Redis also sends no other reply
// before the writes it follows are durable (replies go out after the fsync), so no client reads
// a value a crash could still lose. Here: a core's reads wait for the writes applied before them.
import { describe, expect, it } from 'vitest';
import { KeyGate } from '../src/server/key-gate.js';
import { TxHost } from '../src/server/participant.js';
import { newSession } from '../src/server/session.js';
import { ShardDispatcher } from '../src/server/shard-dispatcher.js';
import { noServer } from './support/hooks.js';

const hooks = noServer;

/** A WAL stand-in: each append's durability resolves when the test says so. */
function slowLog() {
  const pending: (() => void)[] = [];
  return {
    onRecords: () => new Promise<void>((resolve) => pending.push(resolve)),
    syncAll: () => {
      for (const resolve of pending.splice(0)) resolve();
    },
  };
}

/** Whether `value` settled by the time queued callbacks ran. */
async function settled(value: unknown): Promise<boolean> {
  let done = false;
  void Promise.resolve(value).then(() => {
    done = true;
  });
  await new Promise((r) => setImmediate(r));
  return done;
}

describe('reads under appendfsync always', () => {
  it('a read waits until the writes before it are durable, then answers with what they wrote', async () => {
    const log = slowLog();
    const shard = new ShardDispatcher({ hooks, onRecords: log.onRecords, readsWaitForDurability: true });
    const writer = newSession('', '', false, 0);
    const reader = newSession('', '', false, 0);
    const write = shard.dispatch(['SET', 'k', 'v'], writer).reply;
    const read = shard.dispatch(['GET', 'k'], reader).reply;
    expect(await settled(write)).toBe(false);
    expect(await settled(read)).toBe(false);
    log.syncAll();
    expect(await write).toEqual(expect.objectContaining({ value: 'OK' }));
    expect(await read).toBe('v');
    // Nothing pending: a read answers at once.
    expect(shard.dispatch(['GET', 'k'], reader).reply).toBe('v');
  });

  it('without the option (everysec, no) a read answers at once', async () => {
    const log = slowLog();
    const shard = new ShardDispatcher({ hooks, onRecords: log.onRecords });
    const session = newSession('', '', false, 0);
    void shard.dispatch(['SET', 'k', 'v'], session).reply;
    expect(shard.dispatch(['GET', 'k'], session).reply).toBe('v');
    log.syncAll();
  });

  it("a cross-core command's reads on an owner wait too (the lock's grant follows the writes before it)", async () => {
    const log = slowLog();
    const shard = new ShardDispatcher({ hooks, onRecords: log.onRecords, readsWaitForDurability: true });
    const host = new TxHost(new KeyGate(shard), shard);
    const writer = newSession('', '', false, 0);
    const write = shard.dispatch(['SET', 'k', 'v'], writer).reply;
    // A coordinator's MGET k … locks k here and reads it ('values'), as EXISTS does ('presence').
    const values = host.lock('tx:1', ['k'], null, 'values');
    expect(await settled(values)).toBe(false);
    log.syncAll();
    expect(await write).toEqual(expect.objectContaining({ value: 'OK' }));
    const grant = await values;
    expect(grant.rows.length).toBe(1);
    host.release('tx:1', writer, { unwatch: false, park: null }, () => {});
    // Nothing pending: the grant comes at once. A blind write's lock reads nothing and never waits.
    expect(await settled(host.lock('tx:2', ['k'], null, 'presence'))).toBe(true);
    host.release('tx:2', writer, { unwatch: false, park: null }, () => {});
    void shard.dispatch(['SET', 'k', 'w'], writer).reply;
    expect(await settled(host.lock('tx:3', ['k'], null, 'none'))).toBe(true);
    log.syncAll();
  });
});
