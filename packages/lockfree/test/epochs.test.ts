// Epoch-based reclamation: what is retired is freed only after every pinned thread moved on; a
// thread that stops while pinned delays reclamation but blocks nobody; a thread's slot is
// released when it exits, and a dead thread's slot can be released for it.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { EpochDomain, ErrorCode, SharedMap } from '../src/index.js';
import { makeValue } from './workers/values.mjs';

const script = new URL('./workers/map-worker.mjs', import.meta.url);

const code = (c: string) => expect.objectContaining({ code: c });

/** Starts a worker; `messages` collects what it posts; `exited` resolves with its exit code. Bounded. */
function start(workerData: unknown, timeoutMs = 30_000) {
  const worker = new Worker(script, { workerData });
  const messages: unknown[] = [];
  const waiters: (() => void)[] = [];
  worker.on('message', (m) => {
    messages.push(m);
    for (const w of waiters.splice(0)) w();
  });
  const exited = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('worker did not exit in time')), timeoutMs);
    worker.once('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
    worker.once('error', reject);
  });
  exited.catch(() => worker.terminate());
  const message = async <T>(n: number): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    while (messages.length <= n) {
      if (Date.now() > deadline) throw new Error(`no message ${n} in time`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
    return messages[n] as T;
  };
  return { worker, message, exited };
}

interface Pinned {
  pinned: true;
  epoch: number;
  threadId: number;
}

/** Set/delete churn from this thread: ops done, and the typed error that stopped it if any. */
function churn(map: SharedMap, ops: number, keys: number): { done: number; error: unknown } {
  let done = 0;
  try {
    for (let seq = 1; seq <= ops; seq++) {
      if (seq % 3 === 0) map.delete(`m:${seq % keys}`);
      else map.set(`m:${seq % keys}`, makeValue(seq % keys, 9, seq, (seq * 29) % 200));
      done = seq;
    }
    return { done, error: null };
  } catch (error) {
    return { done, error };
  }
}

describe('EpochDomain in one thread (two domain objects stand for two threads)', () => {
  it('frees a retired value only after every pinned object moved past it', () => {
    const freed: number[] = [];
    const a = EpochDomain.create({ slots: 4 }, { reclaim: (v) => freed.push(v) });
    const b = EpochDomain.attach(a.buffer);
    b.pin();
    const pinnedAt = b.epoch;
    a.retire(16);
    for (let i = 0; i < 10; i++) a.collect();
    expect(freed).toEqual([]);
    // b pinned at `pinnedAt`: the epoch moves at most one step past it.
    expect(a.epoch - pinnedAt).toBeLessThanOrEqual(2);
    b.unpin();
    a.collect();
    a.collect();
    a.collect();
    expect(freed).toEqual([16]);
    a.close();
    b.close();
  });

  it('pins nest; unpin without a pin and pin after close throw typed errors', () => {
    const d = EpochDomain.create({ slots: 1 });
    d.pin();
    d.pin();
    d.unpin();
    expect(d.pinned).toBe(true);
    d.unpin();
    expect(d.pinned).toBe(false);
    expect(() => d.unpin()).toThrow(code(ErrorCode.INVALID_STATE));
    expect(() => d.retire(16)).toThrow(code(ErrorCode.INVALID_STATE)); // no reclaim function
    expect(d.run(() => d.pinned)).toBe(true);
    d.close();
    d.close();
    expect(() => d.pin()).toThrow(code(ErrorCode.CLOSED));
  });

  it('every slot taken: ERR_CORELANE_ROLE_TAKEN; a closed object gives its slot back', () => {
    const a = EpochDomain.create({ slots: 2 });
    const b = EpochDomain.attach(a.buffer);
    expect(() => EpochDomain.attach(a.buffer)).toThrow(code(ErrorCode.ROLE_TAKEN));
    b.close();
    const c = EpochDomain.attach(a.buffer);
    c.close();
    a.close();
  });

  it('close() hands what is not yet safe to `orphan`, with its newest epoch', () => {
    const orphans: [number[], number][] = [];
    const a = EpochDomain.create({ slots: 2 }, { reclaim: () => {}, orphan: (v, e) => orphans.push([[...v], e]) });
    const b = EpochDomain.attach(a.buffer);
    b.pin();
    const retiredAt = a.epoch;
    a.retire(32);
    a.retire(48);
    a.close();
    expect(orphans).toEqual([[[32, 48], retiredAt]]);
    b.unpin();
    b.close();
  });
});

describe('threads that stop or die', () => {
  it('a thread pinned forever delays reclamation but never blocks another thread; the arena error is the typed one', async () => {
    const map = SharedMap.create({ capacity: 64, arenaBytes: 1 << 20 });
    const release = new SharedArrayBuffer(4);
    const pinned = start({ mode: 'pin', handle: map.handle, release, waitMs: 25_000, close: true });
    try {
      const { epoch } = await pinned.message<Pinned>(0);
      // 200,000 ops of ~150 bytes through a 1 MiB arena while nothing can be freed: every op
      // returns (no wait on the pinned thread), and the map runs out with the typed error.
      const stalled = churn(map, 200_000, 256);
      expect(stalled.done).toBeGreaterThan(1000);
      expect(stalled.error).toEqual(code(ErrorCode.OUT_OF_MEMORY));
      expect(map.epochs.epoch - epoch).toBeLessThanOrEqual(2);
      // The pinned thread lets go: reclamation resumes and the same churn now runs to the end.
      Atomics.store(new Int32Array(release), 0, 1);
      Atomics.notify(new Int32Array(release), 0);
      await expect(pinned.message(1)).resolves.toEqual({ released: true });
      await pinned.exited;
      const resumed = churn(map, 200_000, 256);
      expect(resumed).toEqual({ done: 200_000, error: null });
      expect(map.epochs.epoch - epoch).toBeGreaterThan(4);
    } finally {
      await pinned.worker.terminate();
      map.close();
    }
  });

  it("a terminated thread's slot stays pinned until releaseThread(threadId) releases it", async () => {
    const map = SharedMap.create({ capacity: 64, threads: 2 });
    const pinned = start({
      mode: 'pin',
      handle: map.handle,
      release: new SharedArrayBuffer(4),
      waitMs: 25_000,
      close: false,
    });
    const { epoch, threadId } = await pinned.message<Pinned>(0);
    await pinned.worker.terminate(); // runs no exit hook: the slot stays held and pinned
    for (let i = 0; i < 5; i++) map.epochs.tryAdvance();
    expect(map.epochs.epoch - epoch).toBeLessThanOrEqual(2);
    expect(() => SharedMap.attach(map.handle)).toThrow(code(ErrorCode.ROLE_TAKEN));
    expect(map.releaseThread(threadId)).toBe(1);
    expect(map.releaseThread(threadId)).toBe(0);
    for (let i = 0; i < 5; i++) map.epochs.tryAdvance();
    expect(map.epochs.epoch - epoch).toBeGreaterThanOrEqual(8);
    const again = SharedMap.attach(map.handle); // the slot is free again
    expect(again.get('pinned')).toEqual(new Uint8Array([1]));
    again.close();
    map.close();
  });

  it('a thread that exits while pinned is unpinned and gives its slot back (exit hook)', async () => {
    const map = SharedMap.create({ capacity: 64, threads: 2 });
    const release = new SharedArrayBuffer(4);
    Atomics.store(new Int32Array(release), 0, 1); // its wait returns at once; it exits still pinned
    const worker = start({ mode: 'pin', handle: map.handle, release, waitMs: 1000, close: false });
    await worker.message<Pinned>(0);
    expect(await worker.exited).toBe(0);
    const before = map.epochs.epoch;
    for (let i = 0; i < 3; i++) map.epochs.tryAdvance();
    expect(map.epochs.epoch - before).toBe(6);
    SharedMap.attach(map.handle).close(); // its slot is free again
    map.close();
  });

  it('a thread that exits without close() gives its slot back (exit hook)', async () => {
    const map = SharedMap.create({ capacity: 64, threads: 2 });
    for (const key of ['first', 'second', 'third']) {
      const worker = start({ mode: 'attachOnly', handle: map.handle, key });
      await worker.message(0);
      expect(await worker.exited).toBe(0);
    }
    expect(map.getString('third')).toMatch(/^from thread \d+$/);
    expect(map.size).toBe(3);
    map.close();
  });
});
