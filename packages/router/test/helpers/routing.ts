// Routes `count` keyed records from this thread into `targets` consumer workers
// (test/workers/route-consumer.mjs), under one policy, and gathers what each worker received.
import { Worker } from 'node:worker_threads';
import { allocateByteRing } from '@corelane/spsc';
import {
  type BackpressurePolicy,
  fxhash32,
  jumpPartition,
  partition,
  Router,
  type RouterKey,
  type RouterTargetStats,
} from '../../src/index.js';

/** Distinct keys, of every kind the router takes. */
export const KEY_IDS = 61;

/** Key `id`: a number (negative too), a string (non-ASCII too), 16 bytes, or a u64 bigint. */
export function keyFor(id: number): RouterKey {
  switch (id % 4) {
    case 0:
      return id % 8 === 0 ? id * 7919 : -id * 7919;
    case 1:
      return id % 3 === 0 ? `üser-${id}` : `user-${id}`;
    case 2:
      return Uint8Array.from({ length: 16 }, (_, i) => (id * 31 + i * 7) & 0xff);
    default:
      return BigInt.asUintN(64, BigInt(id) * 0x9e3779b97f4a7c15n);
  }
}

/** Which partitioner a run uses; 'custom' is {@link customTarget} (test/workers/route-consumer.mjs has the same rule). */
export type PartitionerName = 'modulo' | 'jump' | 'custom';

/** The custom partitioner of the tests: fxhash32, reversed order of targets (unlike either built-in). */
export function customTarget(key: RouterKey, targets: number): number {
  return targets - 1 - (fxhash32(key) % targets);
}

/** The target a key must reach under `partitioner`. */
export function expectedTarget(partitioner: PartitionerName, key: RouterKey, targets: number): number {
  if (partitioner === 'jump') return jumpPartition(key, targets);
  if (partitioner === 'custom') return customTarget(key, targets);
  return partition(key, targets);
}

/** The payload of record `seq`, as the consumer worker checks it. */
export function payloadFor(seq: number, keyId: number, perKeySeq: number, key: RouterKey): Uint8Array {
  const payload = new Uint8Array(16 + (seq % 29));
  const view = new DataView(payload.buffer);
  view.setUint32(0, seq, true);
  view.setUint32(4, keyId, true);
  view.setUint32(8, perKeySeq, true);
  view.setUint32(12, fxhash32(key), true);
  for (let j = 16; j < payload.length; j++) payload[j] = (seq + j) & 0xff;
  return payload;
}

/** What one consumer worker answered. */
export interface ConsumerAnswer {
  index: number;
  seqs: Int32Array;
  checksum: number;
  errors: string[];
}

/** The outcome of one routing run. */
export interface RoutingRun {
  /** For every seq: the target route() returned, -1 (dropped), or -2 (it threw BACKPRESSURE). */
  outcome: Int32Array;
  answers: ConsumerAnswer[];
  stats: RouterTargetStats[];
}

function startConsumer(
  ring: SharedArrayBuffer,
  index: number,
  targets: number,
  pauseEvery: number,
  partitioner: PartitionerName,
  reader: ReaderName,
) {
  const worker = new Worker(new URL('../workers/route-consumer.mjs', import.meta.url), {
    workerData: { ring, index, targets, pauseEvery, partitioner, reader },
  });
  const answer = new Promise<ConsumerAnswer>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`consumer ${index} did not answer in 60 s`)), 60_000);
    worker.once('message', (message: ConsumerAnswer) => {
      clearTimeout(timer);
      resolve(message);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`consumer ${index} exited with ${code} before answering`)));
  });
  return { worker, answer };
}

/** How the consumers read: views + `decodeRoutedRecord()`, or a `RoutedReader` (in place). */
export type ReaderName = 'decode' | 'in-place';

/** How a run routes: sizes, the partitioner, `route()` or `routeAsync()`, and how consumers read. */
export interface RoutingSetup {
  targets: number;
  count: number;
  capacity: number;
  pauseEvery: number;
  partitioner?: PartitionerName;
  /**
   * `routeAsync()` in bursts of this many calls that are not awaited one by one (then all of
   * them are): records of one target wait in line. Default: `route()`.
   */
  asyncBurst?: number;
  /** Default `'decode'`. */
  reader?: ReaderName;
}

/**
 * Routes records 0..count-1 (key `seq % KEY_IDS`) with `policy` into `targets` rings of
 * `capacity` bytes; each consumer naps 2 ms every `pauseEvery` records so rings do fill up.
 */
export async function routeThroughWorkers(
  policy: BackpressurePolicy,
  { targets, count, capacity, pauseEvery, partitioner = 'modulo', asyncBurst = 0, reader = 'decode' }: RoutingSetup,
): Promise<RoutingRun> {
  const rings = Array.from({ length: targets }, () => allocateByteRing({ capacity }));
  const consumers = rings.map((ring, i) => startConsumer(ring, i, targets, pauseEvery, partitioner, reader));
  const router = new Router(rings, {
    policy,
    partitioner: partitioner === 'custom' ? (key) => customTarget(key, targets) : partitioner,
  });
  const outcome = new Int32Array(count);
  const perKey = new Int32Array(KEY_IDS);
  try {
    if (asyncBurst > 0) {
      await routeAsyncInBursts(router, outcome, perKey, asyncBurst);
      return await finish(router, outcome, consumers);
    }
    for (let seq = 0; seq < count; seq++) {
      const keyId = seq % KEY_IDS;
      const key = keyFor(keyId);
      try {
        outcome[seq] = router.route(key, payloadFor(seq, keyId, perKey[keyId] as number, key));
      } catch (error) {
        if ((error as { code?: string }).code !== 'ERR_CORELANE_BACKPRESSURE') throw error;
        outcome[seq] = -2;
      }
      perKey[keyId] = (perKey[keyId] as number) + 1;
      // Now and then: let the consumers catch up ('drop', 'error'), and keep this thread's event
      // loop turning (a 'block' router sleeps in Atomics.wait, which holds the loop).
      if (seq % 500 === 499) await new Promise((resolve) => setTimeout(resolve, 1));
    }
  } finally {
    router.close();
  }
  return await finish(router, outcome, consumers);
}

/** routeAsync() of every seq, `burst` calls at a time without awaiting each: the event loop never blocks. */
async function routeAsyncInBursts(router: Router, outcome: Int32Array, perKey: Int32Array, burst: number) {
  try {
    for (let start = 0; start < outcome.length; start += burst) {
      const calls: Promise<void>[] = [];
      for (let seq = start; seq < Math.min(outcome.length, start + burst); seq++) {
        const keyId = seq % KEY_IDS;
        const key = keyFor(keyId);
        const payload = payloadFor(seq, keyId, perKey[keyId] as number, key);
        perKey[keyId] = (perKey[keyId] as number) + 1;
        calls.push(
          router.routeAsync(key, payload).then((target) => {
            outcome[seq] = target;
          }),
        );
      }
      await Promise.all(calls);
    }
  } finally {
    router.close();
  }
}

async function finish(
  router: Router,
  outcome: Int32Array,
  consumers: { worker: Worker; answer: Promise<ConsumerAnswer> }[],
): Promise<RoutingRun> {
  const answers = await Promise.all(consumers.map((c) => c.answer));
  await Promise.all(consumers.map((c) => c.worker.terminate()));
  return { outcome, answers, stats: router.stats() };
}
