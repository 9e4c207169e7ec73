// The lockfree cases (issue 12): two workers on one SharedMap against a Map owned by one worker
// that the others ask by postMessage (per op, and 64 ops per message), against a shared-memory
// table under one Atomics mutex, single-thread get against Map.get, and hot CAS counters
// against the mutex table. Both sides of a case run the same op streams (workload.ts) on the
// same 10^5 keys, and every sample is checked: every read hits and names its own key.
import { MessageChannel } from 'node:worker_threads';
import { SharedMap } from '@corelane/lockfree';
import type { BenchCase, CaseContext } from '../../harness/suite.js';
import { terminateAll, WorkerHandle } from '../../harness/worker.js';
import { allocateMutexMap, MutexMap } from './mutex-map.js';
import { KEY_COUNT, keyOfValue, makeKeys, makeOps, readsIn, VALUE_BYTES, valueFor } from './workload.js';

/** Worker threads doing the workload: two, one per core of the 2-vCPU machines this runs on. */
const WORKERS = 2;
/** Ops per postMessage of the batched peer. */
const BATCH = 64;
/** The write share of the read-mostly cases, in percent. */
const WRITES = 10;
/** Hot keys of the counter case. */
const HOT = 64;

interface Tally {
  ops: number;
  hits: number;
  wrong: number;
}

type Side = 'shared' | 'mutex' | 'message' | 'batch';

/** Op counts per worker and sample, sized so one sample takes well under a second here. */
function opsPerWorker(side: Side, quick: boolean): number {
  const full = { shared: 1_000_000, mutex: 1_000_000, message: 20_000, batch: 200_000 }[side];
  return quick ? full / 5 : full;
}

function check(tallies: Tally[], streams: Uint32Array[], what: string): void {
  tallies.forEach((tally, w) => {
    const reads = readsIn(streams[w] as Uint32Array);
    if (tally.hits !== reads || tally.wrong !== 0) {
      throw new Error(`${what}: worker ${w} had ${tally.hits} hits of ${reads} reads, ${tally.wrong} wrong values`);
    }
  });
}

/** Two workload workers, plus an owner worker for the postMessage peers; the maps, loaded. */
class Rig {
  private constructor(
    readonly workers: WorkerHandle[],
    readonly owner: WorkerHandle | null,
    readonly map: SharedMap,
    readonly quick: boolean,
    readonly capMs: number,
  ) {}

  static async start(ctx: CaseContext, withOwner: boolean, mutexBuffer: SharedArrayBuffer | null): Promise<Rig> {
    const started = await Promise.allSettled(
      Array.from({ length: WORKERS + (withOwner ? 1 : 0) }, () => WorkerHandle.start('lockfree', 10_000)),
    );
    const handles = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    if (handles.length !== started.length) {
      await terminateAll(handles);
      throw (started.find((s) => s.status === 'rejected') as PromiseRejectedResult).reason;
    }
    const map = SharedMap.create({ capacity: KEY_COUNT, arenaBytes: 64 << 20 });
    const keys = makeKeys();
    for (let k = 0; k < KEY_COUNT; k++) map.set(keys[k] as string, valueFor(k, 0));
    const workers = handles.slice(0, WORKERS);
    const timeout = 10_000;
    await Promise.all(workers.map((w) => w.call('attachShared', { handle: map.handle }, [], timeout)));
    if (mutexBuffer !== null) {
      await Promise.all(workers.map((w) => w.call('attachMutex', { buffer: mutexBuffer }, [], timeout)));
    }
    return new Rig(workers, withOwner ? (handles[WORKERS] as WorkerHandle) : null, map, ctx.quick, ctx.budgetMs);
  }

  /** One sample of `side`: ops per second over both workers, first request sent to last answer. */
  async sample(side: Side, seed: number): Promise<number> {
    const count = opsPerWorker(side, this.quick);
    const streams = this.workers.map((_, w) => makeOps(count, KEY_COUNT, WRITES, seed * 16 + w + 1));
    const timeout = this.capMs + 5_000;
    let tallies: Tally[];
    let elapsed: number;
    if (side === 'shared' || side === 'mutex') {
      const start = performance.now();
      tallies = await Promise.all(this.workers.map((w, i) => w.call<Tally>(side, { ops: streams[i] }, [], timeout)));
      elapsed = performance.now() - start;
    } else {
      const owner = this.owner as WorkerHandle;
      const channels = this.workers.map(() => new MessageChannel());
      const served = channels.map(({ port1 }) => owner.call<number>('own', { port: port1 }, [port1], timeout));
      const start = performance.now();
      tallies = await Promise.all(
        this.workers.map((w, i) => {
          const port = (channels[i] as MessageChannel).port2;
          return w.call<Tally>('ask', { port, ops: streams[i], batch: side === 'batch' ? BATCH : 1 }, [port], timeout);
        }),
      );
      elapsed = performance.now() - start;
      await Promise.all(served);
    }
    check(tallies, streams, side);
    return (count * this.workers.length) / (elapsed / 1000);
  }

  async close(): Promise<void> {
    await terminateAll([...this.workers, this.owner ?? undefined]);
    this.map.close();
  }
}

const READ_MOSTLY = `2 worker threads, ${100 - WRITES}% get / ${WRITES}% set of ${VALUE_BYTES}-byte values over 10^5 short string keys (all present)`;

/** SharedMap from 2 workers vs a Map in an owner worker asked by postMessage (`batched`: 64 ops per message). */
export function vsPostMessage(batched: boolean): BenchCase {
  const side: Side = batched ? 'batch' : 'message';
  return {
    name: `${WORKERS} workers, 90% get / 10% set, 10^5 keys, vs Map + postMessage ${batched ? 'batched 64' : 'per op'}`,
    metric: 'map ops',
    unit: 'ops/s',
    higherIsBetter: true,
    ours: 'SharedMap get/set from both workers',
    peer: batched
      ? `a Map owned by a third worker; each worker sends ${BATCH} ops per postMessage and waits for the answers`
      : 'a Map owned by a third worker; each worker asks by postMessage, one op per message, and waits for the answer',
    budgetMs: { quick: 20_000, full: 60_000 },
    description:
      `${READ_MOSTLY}. Ours: both workers call SharedMap.get/set directly. Peer: a plain Map in a third worker thread ` +
      `(the owner), which each worker asks over its own MessagePort, ${batched ? `${BATCH} ops per message` : 'one op per message'}, ` +
      'waiting for the answer (a get needs its value). Both sides run the same op streams; every read must hit and ' +
      'carry its own key. Time: first op to last answer, ops of both workers together.',
    async setup(ctx) {
      const rig = await Rig.start(ctx, true, null);
      let round = 0;
      return {
        ours: () => rig.sample('shared', ++round),
        peer: () => rig.sample(side, round),
        teardown: () => rig.close(),
      };
    },
  };
}

/** SharedMap from 2 workers vs the same table design under one Atomics mutex. */
export function vsMutex(): BenchCase {
  return {
    name: `${WORKERS} workers, 90% get / 10% set, 10^5 keys, vs a shared-memory map under one mutex`,
    metric: 'map ops',
    unit: 'ops/s',
    higherIsBetter: true,
    ours: 'SharedMap get/set from both workers',
    peer: 'an open-addressing table in one SharedArrayBuffer under one Atomics mutex (spin, then Atomics.wait)',
    budgetMs: { quick: 20_000, full: 60_000 },
    description:
      `${READ_MOSTLY}. Peer: a fixed-size open-addressing hash table in one SharedArrayBuffer (fxhash32, linear ` +
      "probing), every get and set inside one futex-style mutex (Drepper's: CAS, spin 64, then Atomics.wait) — " +
      'what a Node user writes without a lock-free map. It cannot grow or delete; ours can.',
    async setup(ctx) {
      const buffer = allocateMutexMap(KEY_COUNT);
      const mutex = new MutexMap(buffer);
      const keys = makeKeys();
      for (let k = 0; k < KEY_COUNT; k++) mutex.set(keys[k] as string, valueFor(k, 0));
      const rig = await Rig.start(ctx, false, buffer);
      let round = 0;
      return {
        ours: () => rig.sample('shared', ++round),
        peer: () => rig.sample('mutex', round),
        teardown: () => rig.close(),
      };
    },
  };
}

/** Single-thread SharedMap.get (a copy of the value) vs Map.get (a reference), same keys. */
export function getVsMap(): BenchCase {
  return {
    name: 'get, one thread, 10^5 keys, vs Map.get',
    metric: 'get cost',
    unit: 'ns/op',
    higherIsBetter: false,
    ours: 'SharedMap.get(key) (returns a copy)',
    peer: 'Map.get(key) of a Map<string, Uint8Array> (returns the stored reference)',
    description:
      `Gets of every one of 10^5 short string keys in a shuffled order, in this thread, ${VALUE_BYTES}-byte values. ` +
      'Ours encodes the key, hashes it, pins, walks the split-ordered list and copies the value out; Map.get hands ' +
      'back the object it holds. Every get must hit its own key.',
    setup(ctx) {
      const keys = makeKeys();
      const map = SharedMap.create({ capacity: KEY_COUNT, arenaBytes: 64 << 20 });
      const plain = new Map<string, Uint8Array>();
      for (let k = 0; k < KEY_COUNT; k++) {
        map.set(keys[k] as string, valueFor(k, 0));
        plain.set(keys[k] as string, valueFor(k, 0));
      }
      const order = makeOps(KEY_COUNT, KEY_COUNT, 0, 7);
      const passes = ctx.quick ? 3 : 10;
      const run = (get: (key: string) => Uint8Array | undefined) => async () => {
        let wrong = 0;
        const start = performance.now();
        for (let p = 0; p < passes; p++) {
          for (let i = 0; i < order.length; i++) {
            const k = order[i] as number;
            const value = get(keys[k] as string);
            if (value === undefined || keyOfValue(value) !== k) wrong++;
          }
        }
        const elapsed = performance.now() - start;
        if (wrong !== 0) throw new Error(`${wrong} gets missed or read another key's value`);
        return (elapsed * 1e6) / (passes * order.length);
      };
      return {
        ours: run((key) => map.get(key)),
        peer: run((key) => plain.get(key)),
        teardown: () => map.close(),
      };
    },
  };
}

/** Hot counters: 50% addNumber (a CAS loop) / 50% getNumber on 64 keys, vs the mutex table. */
export function countersVsMutex(): BenchCase {
  return {
    name: `${WORKERS} workers, 50% CAS increments / 50% reads on ${HOT} hot keys, vs the mutex map`,
    metric: 'counter ops',
    unit: 'ops/s',
    higherIsBetter: true,
    ours: 'SharedMap.addNumber (CAS loop) / getNumber',
    peer: 'the mutex table: read-add-write of a float64 under the lock / get',
    budgetMs: { quick: 20_000, full: 60_000 },
    description:
      `Both workers alternate: add 1 to counter i % ${HOT}, read counter i % ${HOT} (the two workers collide on ` +
      'the same keys all the time). After each sample the counters must have grown by exactly the increments made.',
    async setup(ctx) {
      const handles = await Promise.all(Array.from({ length: WORKERS }, () => WorkerHandle.start('lockfree', 10_000)));
      const map = SharedMap.create({ capacity: HOT, arenaBytes: 16 << 20 });
      const buffer = allocateMutexMap(HOT);
      const mutex = new MutexMap(buffer);
      await Promise.all(handles.map((w) => w.call('attachShared', { handle: map.handle }, [], 10_000)));
      await Promise.all(handles.map((w) => w.call('attachMutex', { buffer }, [], 10_000)));
      const keys = makeKeys(HOT);
      const ops = ctx.quick ? 100_000 : 400_000;
      const scratch = new DataView(new ArrayBuffer(8));
      const total = (kind: 'shared' | 'mutex') => {
        let sum = 0;
        for (const key of keys) sum += kind === 'shared' ? (map.getNumber(key) ?? 0) : mutex.add(key, 0, scratch);
        return sum;
      };
      const sample = (kind: 'shared' | 'mutex') => async () => {
        const before = total(kind);
        const start = performance.now();
        const results = await Promise.all(
          handles.map((w) =>
            w.call<{ ops: number; increments: number }>('counters', { ops, hot: HOT, kind }, [], ctx.budgetMs),
          ),
        );
        const elapsed = performance.now() - start;
        const increments = results.reduce((n, r) => n + r.increments, 0);
        if (total(kind) - before !== increments) throw new Error(`${kind}: counters lost increments`);
        return (ops * WORKERS) / (elapsed / 1000);
      };
      return {
        ours: sample('shared'),
        peer: sample('mutex'),
        teardown: async () => {
          await terminateAll(handles);
          map.close();
        },
      };
    },
  };
}
