// The CPU an idle runtime burns: parked cores against spinning ones.
import type { Runtime } from '@corelane/reactor';
import type { BenchCase, CaseContext } from '../../harness/suite.js';
import { withRuntime } from './rig.js';

/** CPU milliseconds per second of this process (all threads) while the runtime does nothing. */
async function idleCpu(rt: Runtime, windowMs: number): Promise<number> {
  await rt.broadcast({ op: 'ping' });
  await new Promise((r) => setTimeout(r, 50)); // let the cores go idle first
  const before = process.cpuUsage();
  const start = performance.now();
  await new Promise((r) => setTimeout(r, windowMs));
  const used = process.cpuUsage(before);
  const elapsed = performance.now() - start;
  // At least 1 µs/s: a sample must be positive.
  return Math.max(0.001, (used.user + used.system) / 1000 / (elapsed / 1000));
}

export function idleRuntime(): BenchCase {
  return {
    name: 'an idle runtime of 2 cores, CPU time',
    metric: 'CPU time of the process while idle (about 0 when parked)',
    unit: 'CPU ms/s',
    higherIsBetter: false,
    ours: "idle 'park' (also what 'hybrid' does after its spin budget)",
    peer: "idle 'spin'",
    budgetMs: { quick: 15_000, full: 40_000 },
    description:
      'A 2-core runtime with nothing to do for a window (1 s quick, 2 s full): the process CPU time per second, all ' +
      'threads. Parked cores wait on their doorbells with Atomics.waitAsync; spinning cores poll their rings.',
    async setup(ctx: CaseContext) {
      const windowMs = ctx.quick ? 1_000 : 2_000;
      return {
        ours: () => withRuntime({ cores: 2, idle: 'park' }, (rt) => idleCpu(rt, windowMs)),
        peer: () => withRuntime({ cores: 2, idle: 'spin' }, (rt) => idleCpu(rt, windowMs)),
      };
    },
  };
}
