import type { BenchCase } from '../../harness/suite.js';
import { pinnedAndUnpinned } from './pairs.js';

/** Round trips of one number between two workers, pinned to two CPUs vs left to the scheduler. */
export const pingPongCase: BenchCase = {
  name: 'postMessage ping-pong',
  metric: 'round trips',
  unit: 'round trips/s',
  higherIsBetter: true,
  ours: 'pinned (planPlacement(2))',
  peer: 'unpinned workers',
  budgetMs: { quick: 20_000, full: 90_000 },
  description:
    'Two worker_threads bounce a number over a MessageChannel (one message each way per round trip), both ' +
    'pinned to the two CPUs planPlacement(2) chooses vs the same two workers left to the scheduler.',
  setup(ctx) {
    const count = ctx.quick ? 20_000 : 100_000;
    const capMs = ctx.quick ? 2_000 : 8_000;
    return pinnedAndUnpinned(async (pair) => (await pair.pingPong(count, capMs)).perSecond);
  },
};
