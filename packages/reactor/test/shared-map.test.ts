// Runtime.start({ shared }): every core attaches the same @corelane/lockfree SharedMap as
// ctx.shared. Cores write per-core entries with self-checking values; the main thread reads
// them directly, and every core reads every other core's; a core killed without its exit hooks
// (as an out-of-memory kill or terminate() ends it) is restarted, sees the map, and never
// leaks an epoch slot (the map is sized so that one leaked slot would fail the next restart);
// a stopped runtime gives every slot back. A bad `shared` throws before any worker starts.
import { Worker } from 'node:worker_threads';
import { SharedMap } from '@corelane/lockfree';
import { describe, expect, it } from 'vitest';
import { type RestartEvent, Runtime } from '../dist/index.js';
import { checkEntry, entryKey } from './cores/shared.mjs';
import { nextEvent } from './helpers/lab.js';

const MODULE = new URL('./cores/shared.mjs', import.meta.url);
const CORES = 2;
const ENTRIES = 500;

/** Starts a runtime of shared.mjs over `map`; stops it whatever `fn` does. */
async function withShared<T>(map: SharedMap, fn: (rt: Runtime) => Promise<T>, restart = 0): Promise<T> {
  const rt = await Runtime.start({ module: MODULE, cores: CORES, pin: false, shared: map, restart });
  try {
    return await fn(rt);
  } finally {
    await rt.stop();
  }
}

/** Checks, from the main thread, core `core`'s entries: all present, intact, of generation `gen`. */
function expectEntries(map: SharedMap, core: number, gen: number): void {
  let intact = 0;
  for (let i = 0; i < ENTRIES; i++) if (checkEntry(map.get(entryKey(core, i)), core, i)?.gen === gen) intact++;
  expect(intact).toBe(ENTRIES);
}

describe('Runtime.start({ shared })', () => {
  it('every core reads and writes the one map; the main thread and the other cores see each core’s entries', async () => {
    const map = SharedMap.create({ capacity: 4096, threads: CORES + 1 });
    map.setString('config', 'mode=fast');
    await withShared(map, async (rt) => {
      // Each core saw the main thread's configuration, and counted its start in the map.
      for (let c = 0; c < CORES; c++)
        expect(await rt.requestTo(c, { op: 'get-string', key: 'config' })).toBe('mode=fast');
      for (let c = 0; c < CORES; c++) expect(map.getNumber(`starts:${c}`)).toBe(1);
      expect(await Promise.all([0, 1].map((c) => rt.requestTo(c, { op: 'write', count: ENTRIES })))).toEqual([
        ENTRIES,
        ENTRIES,
      ]);
      // The main thread reads the map directly, no message.
      for (let c = 0; c < CORES; c++) expectEntries(map, c, 0);
      // Each core reads the other's entries.
      for (let c = 0; c < CORES; c++) {
        expect(await rt.requestTo(c, { op: 'read', of: 1 - c, count: ENTRIES })).toEqual({
          found: ENTRIES,
          bad: 0,
          gens: [0],
        });
      }
      expect(map.size).toBe(2 * ENTRIES + 1 + CORES);
    });
    // Every core released its slot at stop: a second runtime over the same map (exactly
    // cores + 1 slots) starts, and its cores still see what the first one wrote.
    await withShared(map, async (rt) => {
      expect(await rt.requestTo(0, { op: 'read', of: 1, count: ENTRIES })).toMatchObject({ found: ENTRIES, bad: 0 });
    });
    expect(map.getNumber('starts:0')).toBe(2);
    map.close();
  }, 60_000);

  it('a core killed without its exit hooks is restarted, sees the map, and leaks no epoch slot (5 kills)', async () => {
    // cores + 1 slots, none spare: a slot the dead core kept would make the restarted core's
    // attach throw ERR_CORELANE_ROLE_TAKEN, and the runtime fail.
    const map = SharedMap.create({ capacity: 4096, threads: CORES + 1 });
    const KILLS = 5;
    await withShared(
      map,
      async (rt) => {
        let failure: unknown = null;
        rt.on('error', (error: unknown) => {
          failure = error;
        });
        await rt.requestTo(1, { op: 'write', count: ENTRIES });
        for (let kill = 1; kill <= KILLS; kill++) {
          await rt.requestTo(0, { op: 'write', count: ENTRIES });
          const restarted = nextEvent<RestartEvent>(rt, 'restart');
          rt.sendTo(0, { op: 'hard-kill' });
          expect((await restarted).core).toBe(0);
          expect(failure).toBeNull();
          expect(await rt.requestTo(0, { op: 'restarts' })).toBe(kill);
          // The new core sees its predecessor's entries (generation kill - 1) and core 1's.
          expect(await rt.requestTo(0, { op: 'read', of: 0, count: ENTRIES })).toEqual({
            found: ENTRIES,
            bad: 0,
            gens: [kill - 1],
          });
          expect(await rt.requestTo(0, { op: 'read', of: 1, count: ENTRIES })).toEqual({
            found: ENTRIES,
            bad: 0,
            gens: [0],
          });
          expect(map.getNumber('starts:0')).toBe(kill + 1);
        }
        // The last generation's writes, read by the main thread and by core 1.
        await rt.requestTo(0, { op: 'write', count: ENTRIES });
        expectEntries(map, 0, KILLS);
        expect(await rt.requestTo(1, { op: 'read', of: 0, count: ENTRIES })).toEqual({
          found: ENTRIES,
          bad: 0,
          gens: [KILLS],
        });
      },
      KILLS,
    );
    map.close();
  }, 120_000);

  it('ctx.shared without the option throws ERR_CORELANE_INVALID_STATE', async () => {
    const rt = await Runtime.start({ module: MODULE, cores: 1, pin: false, data: { shared: false } });
    try {
      expect(await rt.requestTo(0, { op: 'no-shared' })).toBe('ERR_CORELANE_INVALID_STATE');
    } finally {
      await rt.stop();
    }
  }, 30_000);

  it('a bad shared option throws a typed error before any worker starts', async () => {
    const probe = async () => {
      const worker = new Worker('', { eval: true });
      const id = worker.threadId;
      await worker.terminate();
      return id;
    };
    const closed = SharedMap.create({ capacity: 16 });
    closed.close();
    const small = SharedMap.create({ capacity: 16, threads: CORES });
    const cases: [unknown, string, string][] = [
      [{}, 'TypeError', 'ERR_CORELANE_INVALID_ARGUMENT'],
      [small.handle, 'TypeError', 'ERR_CORELANE_INVALID_ARGUMENT'],
      [null, 'TypeError', 'ERR_CORELANE_INVALID_ARGUMENT'],
      [closed, 'CorelaneError', 'ERR_CORELANE_CLOSED'],
      [small, 'RangeError', 'ERR_CORELANE_OUT_OF_RANGE'],
    ];
    for (const [shared, name, code] of cases) {
      const before = await probe();
      const error = await Runtime.start({
        module: MODULE,
        cores: CORES,
        pin: false,
        shared: shared as SharedMap,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(error).toMatchObject({ code });
      if (name !== 'CorelaneError') expect(error).toBeInstanceOf(name === 'TypeError' ? TypeError : RangeError);
      // Only the next probe started a worker in between: no core was ever created.
      expect(await probe()).toBe(before + 1);
    }
    small.close();
  }, 30_000);
});
