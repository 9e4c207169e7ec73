import type { BenchCase } from '../../harness/suite.js';
import { pinnedAndUnpinned } from './pairs.js';

/** One worker posts numbers one per message to another: pinned to two CPUs vs left to the scheduler. */
export const streamCase: BenchCase = {
  name: 'postMessage stream',
  metric: 'messages received',
  unit: 'msgs/s',
  higherIsBetter: true,
  ours: 'pinned (planPlacement(2))',
  peer: 'unpinned workers',
  budgetMs: { quick: 20_000, full: 90_000 },
  description:
    'One worker_thread posts 0, 1, 2, … one number per message over a MessageChannel; the other receives and ' +
    'checks the sequence. Messages per second at the receiver, pinned vs unpinned: the baseline later ring ' +
    'suites are measured against.',
  setup(ctx) {
    const count = ctx.quick ? 200_000 : 500_000;
    const capMs = ctx.quick ? 2_000 : 8_000;
    return pinnedAndUnpinned(async (pair) => (await pair.stream(count, capMs)).perSecond);
  },
};
