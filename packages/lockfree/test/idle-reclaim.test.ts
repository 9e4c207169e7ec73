// Flush-on-idle: a thread that retired blocks and then stays alive but idle must not keep them
// from the others. Here a worker retires two large blocks of a small arena and goes idle; the
// main thread then needs room for three such values while the arena holds four: it succeeds
// only if the idle worker's blocks are reclaimed (through the map's shared garbage bags). Before
// the fix every attempt threw ERR_CORELANE_OUT_OF_MEMORY (the worker's private bag was freed
// only by its own next write). Bounded: at most ATTEMPTS tries, each a typed error or a success.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { MAX_VALUE_BYTES, SharedMap } from '../src/index.js';
import { makeValue, verify } from './workers/values.mjs';

const script = new URL('./workers/idle-worker.mjs', import.meta.url);
/** A value whose block is about 229 KiB (its size class), so the arena holds four. */
const PAYLOAD = 200 * 1024;
const BLOCK = 229_376;
const ATTEMPTS = 200;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('flush-on-idle', () => {
  it('blocks retired by a thread that then idles are reclaimed by the others', async () => {
    expect(PAYLOAD + 64).toBeLessThan(MAX_VALUE_BYTES);
    // Room for four large blocks, and a few small ones (nodes, bags) beside them.
    const map = SharedMap.create({ capacity: 16, arenaBytes: 2048 + 256 + 4 * BLOCK + 8192, threads: 4 });
    const worker = new Worker(script, { workerData: { handle: map.handle, payload: PAYLOAD } });
    try {
      const first = await new Promise<{ retired: number }>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      expect(first.retired).toBe(2); // the node (its first value inline) and the second value, in its own bag
      expect(map.has('idle')).toBe(false);
      // Three live values of the main thread: the fourth block and the worker's two are needed.
      let stored = 0;
      let outOfMemory = 0;
      for (let attempt = 0; attempt < ATTEMPTS && stored < 3; attempt++) {
        try {
          map.set(`main:${stored}`, makeValue(100 + stored, 0, stored + 1, PAYLOAD));
          stored++;
        } catch (error) {
          expect(error).toMatchObject({ code: 'ERR_CORELANE_OUT_OF_MEMORY' });
          outOfMemory++;
          await sleep(10); // the worker's event loop runs meanwhile (it is on its own thread anyway)
        }
      }
      expect(stored).toBe(3);
      expect(outOfMemory).toBeLessThan(ATTEMPTS);
      for (let i = 0; i < 3; i++) expect(verify(map.get(`main:${i}`) as Uint8Array, 100 + i)).toBeNull();
      // Nothing leaked past the limit: the arena never grew beyond what it may.
      expect(map.memory().bufferBytes).toBeLessThanOrEqual(map.memory().limitBytes);
    } finally {
      worker.postMessage('exit');
      await new Promise((resolve) => worker.once('exit', resolve));
      map.close();
    }
  }, 30_000);

  it('flush() hands a thread’s garbage to shared memory at once, and another thread frees it', () => {
    const map = SharedMap.create({ capacity: 16, arenaBytes: 2048 + 256 + 4 * BLOCK + 8192, threads: 4 });
    const other = SharedMap.attach(map.handle); // a second map object: another thread's side
    map.set('a', makeValue(1, 0, 1, PAYLOAD));
    map.delete('a'); // retires its node (the value inline in it)
    expect(map.epochs.pending).toBe(1);
    expect(map.flush()).toBe(1);
    expect(map.epochs.pending).toBe(0);
    // The other side fills the arena: its fourth value needs the block `map` retired.
    for (let i = 0; i < 4; i++) other.set(`b${i}`, makeValue(2 + i, 1, 1, PAYLOAD));
    for (let i = 0; i < 4; i++) expect(verify(other.get(`b${i}`) as Uint8Array, 2 + i)).toBeNull();
    other.close();
    map.close();
  });
});
