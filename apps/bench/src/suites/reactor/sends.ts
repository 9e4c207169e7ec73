// Fire-and-forget sends to 2 cores with a no-op handler, against postMessage per message,
// postMessage of 64 per message, and piscina run() per message.

import type { MessagePort } from 'node:worker_threads';
import type { Runtime } from '@corelane/reactor';
import { partition } from '@corelane/router';
import Piscina from 'piscina';
import { median } from '../../harness/stats.js';
import type { BenchCase, CaseContext } from '../../harness/suite.js';
import { workerScript } from '../../harness/worker.js';
import { KEYS, PeerWorker, startRuntime } from './rig.js';

const CORES = 2;
const PAYLOAD = new Uint8Array(16).fill(7);
/** The longest key of KEYS, in bytes (they are ASCII). */
const KEY_MAX = Math.max(...KEYS.map((k) => k.length));

/** Messages per second: `count` keyed sends ('raw' codec, 16 B), then a barrier request per core. */
async function runtimeSends(rt: Runtime, count: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < count; i++) rt.send(KEYS[i & 1023] as string, PAYLOAD);
  // A keyless request is answered after everything sent to that core before it.
  await Promise.all([rt.requestTo(0, PAYLOAD), rt.requestTo(1, PAYLOAD)]);
  return count / ((performance.now() - start) / 1000);
}

/**
 * Messages per second through postMessage to two counting workers, `batch` messages per
 * postMessage. The same work as ours: each message goes to the worker `partition(key, 2)`
 * names and carries its key with its 16 bytes.
 */
async function postMessageSends(peers: PeerWorker[], count: number, batch: number, capMs: number): Promise<number> {
  const sinks = peers.map((p) => p.sink(capMs));
  const start = performance.now();
  if (batch === 1) {
    for (let i = 0; i < count; i++) {
      const key = KEYS[i & 1023] as string;
      (sinks[partition(key, CORES)] as { port: MessagePort }).port.postMessage({ key, value: PAYLOAD });
    }
  } else {
    // What a user batching by hand does: append each message (key length, key bytes, its 16
    // bytes) to a buffer per target and post the buffer (cloned) every `batch` messages.
    const size = 1 + KEY_MAX + PAYLOAD.length;
    const buffers = [new Uint8Array(batch * size), new Uint8Array(batch * size)];
    const filled = [0, 0];
    const used = [0, 0];
    for (let i = 0; i < count; i++) {
      const key = KEYS[i & 1023] as string;
      const t = partition(key, CORES);
      const buffer = buffers[t] as Uint8Array;
      let at = used[t] as number;
      buffer[at++] = key.length;
      for (let c = 0; c < key.length; c++) buffer[at++] = key.charCodeAt(c); // ASCII keys
      buffer.set(PAYLOAD, at);
      used[t] = at + PAYLOAD.length;
      const n = (filled[t] as number) + 1;
      if (n === batch) {
        (sinks[t] as { port: MessagePort }).port.postMessage({ count: batch, bytes: buffer.subarray(0, used[t]) });
        filled[t] = 0;
        used[t] = 0;
      } else filled[t] = n;
    }
    filled.forEach((n, t) => {
      if (n > 0)
        (sinks[t] as { port: MessagePort }).port.postMessage({
          count: n,
          bytes: (buffers[t] as Uint8Array).subarray(0, used[t]),
        });
    });
  }
  for (const s of sinks) s.port.postMessage(null);
  const counts = await Promise.all(sinks.map((s) => s.done));
  const elapsed = performance.now() - start;
  if ((counts[0] as number) + (counts[1] as number) !== count)
    throw new Error(`postMessage sinks got ${counts.join('+')}, sent ${count}`);
  return count / (elapsed / 1000);
}

/** Messages per second through piscina: one run() per message, all awaited. */
async function piscinaSends(pool: Piscina, count: number): Promise<number> {
  const start = performance.now();
  const runs: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) runs.push(pool.run({ key: KEYS[i & 1023], value: PAYLOAD }, { name: 'noop' }));
  await Promise.all(runs);
  return count / ((performance.now() - start) / 1000);
}

type Peer = 'message' | 'batch' | 'piscina';

export function fireAndForget(peer: Peer): BenchCase {
  const target = { message: '>= 50x', batch: '>= 2x', piscina: '>= 100x' }[peer];
  /** Ours' samples of this run (messages per second), for the description. */
  const samples: number[] = [];
  return {
    name: `fire-and-forget sends to 2 cores vs ${peer === 'message' ? 'postMessage per message' : peer === 'batch' ? 'postMessage batched 64' : 'piscina run()'}`,
    metric: `messages (target ${target})`,
    unit: 'msgs/s',
    higherIsBetter: true,
    ours: "runtime.send(key, 16 B) to 2 cores, codec 'raw', no-op handler",
    peer:
      peer === 'message'
        ? 'postMessage({ key, 16 B }) per message to the worker partition(key, 2) names'
        : peer === 'batch'
          ? 'postMessage of 64 messages (key + 16 B each) per message, per worker partition(key, 2) names'
          : 'piscina run({ key, 16 B }) per message, 2 threads, no-op task',
    budgetMs: { quick: 15_000, full: 60_000 },
    /** The fixed text, then this run's events per second per core (ours' median / 2). */
    get description() {
      // (Read before the first sample too: no figure yet then.)
      const perCore = samples.length === 0 ? Number.NaN : median(samples) / CORES;
      return (
        'Keyed 16-byte messages from the main thread to 2 cores (each to partition(key, 2)), timed until a barrier ' +
        'request to each core is answered (it follows every message in its ring). Peers do the same work: each ' +
        'message (its key and 16 bytes) goes to the worker partition(key, 2) names, which counts it; or a piscina ' +
        'task per message. On 2 vCPUs the main thread and both cores share 2 CPUs: the main thread, the one ' +
        'producer, bounds the rate.' +
        (Number.isFinite(perCore)
          ? ` This run: ${(perCore / 1e6).toFixed(2)} M events per second per core (median of ours / ${CORES}; issue 10: >= 2 M).`
          : '')
      );
    },
    async setup(ctx: CaseContext) {
      const count = ctx.quick ? 200_000 : 1_000_000;
      const rt = await startRuntime({ cores: CORES, codec: 'raw' });
      let peers: PeerWorker[] = [];
      let pool: Piscina | null = null;
      if (peer === 'piscina') {
        pool = new Piscina({ filename: workerScript('reactor-task').href, minThreads: CORES, maxThreads: CORES });
      } else peers = await Promise.all([PeerWorker.start(), PeerWorker.start()]);
      const peerCount = peer === 'piscina' ? count / 20 : peer === 'message' ? count / 4 : count;
      samples.length = 0;
      return {
        ours: async () => {
          const rate = await runtimeSends(rt, count);
          samples.push(rate);
          return rate;
        },
        peer: () =>
          pool !== null
            ? piscinaSends(pool, peerCount)
            : postMessageSends(peers, peerCount, peer === 'batch' ? 64 : 1, ctx.budgetMs),
        teardown: async () => {
          await Promise.allSettled([rt.stop(), ...peers.map((p) => p.close()), pool?.destroy()]);
        },
      };
    },
  };
}
