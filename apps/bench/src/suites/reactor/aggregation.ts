// Keyed aggregation: every core generates keyed events and routes each to the core that owns
// its key, which counts it; against the same work in one thread, and against piscina (workers
// return partial maps, the main thread merges them).

import type { Runtime } from '@corelane/reactor';
import Piscina from 'piscina';
import type { BenchCase, CaseContext } from '../../harness/suite.js';
import { workerScript } from '../../harness/worker.js';
import { KEYS, startRuntime } from './rig.js';

const CORES = 2;

/** Events per second: each core generates `perCore` events; done when every core counted all it owns. */
async function runtimeAggregation(rt: Runtime, perCore: number): Promise<number> {
  await rt.broadcast({ op: 'reset', keys: KEYS });
  const start = performance.now();
  await rt.broadcast({ op: 'generate', n: perCore });
  const totals = (await rt.broadcast({ op: 'total', marks: CORES - 1 })) as number[];
  const elapsed = performance.now() - start;
  const sum = totals.reduce((a, b) => a + b, 0);
  if (sum !== perCore * CORES) throw new Error(`counted ${sum} events, generated ${perCore * CORES}`);
  return (perCore * CORES) / (elapsed / 1000);
}

/** The same events counted in one thread (this one). */
function singleThread(perCore: number): number {
  const start = performance.now();
  const counts = new Map<string, number>();
  for (let core = 0; core < CORES; core++) {
    for (let i = 0; i < perCore; i++) {
      const k = KEYS[(i * 31 + core * 17) % KEYS.length] as string;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
  }
  const elapsed = performance.now() - start;
  let sum = 0;
  for (const n of counts.values()) sum += n;
  if (sum !== perCore * CORES) throw new Error('single thread miscounted');
  return (perCore * CORES) / (elapsed / 1000);
}

/** The same events counted by piscina workers into partial maps, merged here. */
async function piscinaAggregation(pool: Piscina, perCore: number): Promise<number> {
  const start = performance.now();
  const partials = (await Promise.all(
    Array.from({ length: CORES }, (_, seed) => pool.run({ n: perCore, keys: KEYS, seed })),
  )) as [string, number][][];
  const counts = new Map<string, number>();
  for (const partial of partials) for (const [k, n] of partial) counts.set(k, (counts.get(k) ?? 0) + n);
  const elapsed = performance.now() - start;
  let sum = 0;
  for (const n of counts.values()) sum += n;
  if (sum !== perCore * CORES) throw new Error('piscina miscounted');
  return (perCore * CORES) / (elapsed / 1000);
}

export function keyedAggregation(peer: 'single' | 'piscina'): BenchCase {
  return {
    name: `keyed aggregation on 2 cores vs ${peer === 'single' ? 'one thread' : 'piscina'}`,
    metric: `events (target ${peer === 'single' ? '>= 1.6x' : '>= 3x'})`,
    unit: 'events/s',
    higherIsBetter: true,
    ours: 'every core generates keyed events, counts its own, routes the rest to their owner (ctx.send)',
    peer:
      peer === 'single'
        ? 'the same events counted in one thread'
        : 'piscina: 2 workers return partial maps, main merges',
    budgetMs: { quick: 15_000, full: 60_000 },
    description:
      'Events over 1024 short string keys; each core generates the same number. Ours: a core counts the events of ' +
      'keys it owns and sends the others through the mesh to their owner (msgpack); timed until every core has ' +
      'counted everything routed to it. Peers: one thread counting all events; piscina tasks counting partial maps ' +
      'that the main thread merges (the way a worker pool does it without key affinity).',
    async setup(ctx: CaseContext) {
      const perCore = ctx.quick ? 200_000 : 1_000_000;
      const rt = await startRuntime({ cores: CORES });
      const pool =
        peer === 'piscina'
          ? new Piscina({ filename: workerScript('reactor-task').href, minThreads: CORES, maxThreads: CORES })
          : null;
      return {
        ours: () => runtimeAggregation(rt, perCore),
        peer: async () => (pool === null ? singleThread(perCore) : piscinaAggregation(pool, perCore)),
        teardown: async () => {
          await Promise.allSettled([rt.stop(), pool?.destroy()]);
        },
      };
    },
  };
}
