// Request round trip main → core → main, against a postMessage round trip to a worker; and the
// wake-up of a parked core against a spinning one (p50 and p99).
import type { Runtime } from '@corelane/reactor';
import type { BenchCase, CaseContext } from '../../harness/suite.js';
import { nextMessage, PeerWorker, percentiles, startRuntime, withRuntime } from './rig.js';

/** Round trips per second of `await runtime.requestTo(0, i)` in a loop. */
async function requestLoop(rt: Runtime, count: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    if ((await rt.requestTo(0, { op: 'ping' })) !== 0) throw new Error('wrong reply');
  }
  return count / ((performance.now() - start) / 1000);
}

/** Round trips per second of postMessage to a worker that echoes, awaiting each reply. */
async function postMessageLoop(peer: PeerWorker, count: number): Promise<number> {
  const port = await peer.echo();
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const reply = nextMessage(port);
    port.postMessage(i);
    if ((await reply) !== i) throw new Error('wrong echo');
  }
  const rate = count / ((performance.now() - start) / 1000);
  port.close();
  return rate;
}

export function requestRoundTrip(): BenchCase {
  return {
    name: 'request round trip main → core → main vs postMessage',
    metric: 'round trips (target >= 5x)',
    unit: 'round trips/s',
    higherIsBetter: true,
    ours: 'runtime.requestTo(0, v) awaited in a loop (1 core, default options)',
    peer: 'postMessage to a worker that echoes, reply awaited in a loop',
    budgetMs: { quick: 15_000, full: 60_000 },
    description:
      'One request in flight at a time from the main thread to one core and back. Ours: a 1-core runtime with the ' +
      "default options (idle 'hybrid': the core polls 10 µs, then sleeps on its doorbell with Atomics.wait for the " +
      'rest of its 50 µs spin, then parks with Atomics.waitAsync; the main thread does the same for replies with ' +
      'replySpinMs 0.05; msgpack values). Peer: a worker_thread ' +
      'echoing each postMessage on a MessagePort.',
    async setup(ctx: CaseContext) {
      const count = ctx.quick ? 5_000 : 50_000;
      const peer = await PeerWorker.start();
      // One runtime for every sample, as the peer is one worker: a fresh core per sample would
      // time its JIT warm-up. Idle 'hybrid' parks between samples (no CPU taken from the peer).
      const rt = await startRuntime({ cores: 1 });
      await requestLoop(rt, 1_000);
      return {
        ours: () => requestLoop(rt, count),
        peer: () => postMessageLoop(peer, count),
        teardown: async () => {
          await Promise.allSettled([rt.stop(), peer.close()]);
        },
      };
    },
  };
}

/** Request round trips with a pause between them (so a parking core parks): the given percentile, in ns. */
async function sparseRoundTrips(rt: Runtime, count: number, stat: 'median' | 'p99'): Promise<number> {
  const times = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    await new Promise((r) => setTimeout(r, 1));
    const t = performance.now();
    await rt.requestTo(0, { op: 'ping' });
    times[i] = (performance.now() - t) * 1e6;
  }
  return percentiles(times)[stat];
}

export function parkedWakeUp(stat: 'median' | 'p99'): BenchCase {
  return {
    name: `wake-up of a parked core, ${stat === 'median' ? 'p50' : 'p99'}`,
    metric: `request round trip after 1 ms idle, ${stat === 'median' ? 'p50' : 'p99'}`,
    unit: 'ns',
    higherIsBetter: false,
    ours: "idle 'park': the core parks on its doorbell (Atomics.waitAsync) and is woken by the request",
    peer: "idle 'spin': the core spins (never parks)",
    budgetMs: { quick: 12_000, full: 40_000 },
    description:
      'A request every ~1 ms to one core, so a parking core is parked when each request arrives: the round trip ' +
      'includes its wake-up (the producer sees PARKED, bumps the doorbell and notifies). The peer core spins.',
    async setup(ctx: CaseContext) {
      const count = ctx.quick ? 200 : 1_000;
      return {
        ours: () => withRuntime({ cores: 1, idle: 'park' }, (rt) => sparseRoundTrips(rt, count, stat)),
        peer: () => withRuntime({ cores: 1, idle: 'spin' }, (rt) => sparseRoundTrips(rt, count, stat)),
      };
    },
  };
}
