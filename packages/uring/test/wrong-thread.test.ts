// An IoRing belongs to the thread that created it. JavaScript cannot hand the object itself to
// another thread: postMessage / workerData send a structured clone, a plain object without the
// ring's private state, and every IoRing method refuses it. What is left for the ring to check
// is its own thread id, on every call: that check is tested here by changing the id the module
// sees (worker_threads.threadId) between creating the ring and using it.
import { runWorker } from '@corelane/shared/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { IoRing } from '../src/index.js';
import { backends } from './helpers/files.js';

const thread = vi.hoisted(() => ({ id: 0 }));
vi.mock('node:worker_threads', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:worker_threads')>();
  thread.id = real.threadId;
  return {
    ...real,
    get threadId() {
      return thread.id;
    },
  };
});

describe.each(backends)('%s: a ring used from another thread', (backend) => {
  const creator = thread.id;
  afterEach(() => {
    thread.id = creator;
  });

  it('every call from a thread other than its creator throws ERR_CORELANE_WRONG_THREAD', async () => {
    const ring = new IoRing({ backend });
    thread.id = creator + 7;
    const wrong = {
      code: 'ERR_CORELANE_WRONG_THREAD',
      message: `this IoRing belongs to thread ${creator} and was used from thread ${creator + 7}`,
    };
    expect(() => ring.read(0, Buffer.alloc(1), 0)).toThrow(expect.objectContaining(wrong));
    expect(() => ring.open('/nonexistent')).toThrow(expect.objectContaining(wrong));
    expect(() => ring.batch()).toThrow(expect.objectContaining(wrong));
    expect(() => ring.submit()).toThrow(expect.objectContaining(wrong));
    expect(() => ring.poll()).toThrow(expect.objectContaining(wrong));
    expect(() => ring.registerFiles([0])).toThrow(expect.objectContaining(wrong));
    expect(() => ring.destroy()).toThrow(expect.objectContaining(wrong));
    expect(ring.inFlight).toBe(0); // nothing was staged by the refused calls
    thread.id = creator;
    await ring.timeout(0); // the ring still works on its own thread
    ring.destroy();
    expect(ring.destroyed).toBe(true);
  });

  it('a batch taken on the right thread is refused too once the thread differs', async () => {
    const ring = new IoRing({ backend });
    const batch = ring.batch();
    const timed = batch.timeout(0);
    thread.id = creator + 1;
    expect(() => batch.submit()).toThrow(expect.objectContaining({ code: 'ERR_CORELANE_WRONG_THREAD' }));
    expect(ring.inFlight).toBe(0);
    thread.id = creator;
    expect(batch.submit()).toBe(1); // the refused submit left the batch as it was
    await timed;
    ring.destroy();
  });

  it('a real worker that receives the ring gets a plain clone that no IoRing method accepts', async () => {
    const ring = new IoRing({ backend });
    const report = await runWorker<Record<string, unknown>>(new URL('./workers/foreign-ring.mjs', import.meta.url), {
      ring,
      backend,
      path: process.execPath,
    });
    expect(report).toMatchObject({ isIoRing: false, keys: [], readIsFunction: false, ownRead: 4 });
    expect(report.read).toMatch(/^TypeError: /);
    expect(report.destroy).toMatch(/^TypeError: /);
    expect(ring.destroyed).toBe(false); // the clone's failed destroy() did not reach this ring
    ring.destroy();
  });
});
