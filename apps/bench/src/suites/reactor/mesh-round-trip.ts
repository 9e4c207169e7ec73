// Core → core request round trip through the mesh, against the C++ twin's ping-pong: with both
// cores spinning, and with the product default ('hybrid': poll, then sleep on the doorbell).
import type { IdleStrategy } from '@corelane/reactor';
import type { BenchCase, CaseContext, CaseRun, Unavailable } from '../../harness/suite.js';
import { unavailable } from '../../harness/suite.js';
import { nativePeers, runNative } from '../spsc/native-peers.js';
import { withRuntime } from './rig.js';

export function coreToCoreRoundTrip(idle: Extract<IdleStrategy, 'spin' | 'hybrid'> = 'spin'): BenchCase {
  return {
    name:
      idle === 'spin'
        ? 'core → core request round trip vs the C++ twin ping-pong'
        : "core → core request round trip, idle 'hybrid' (the default), vs the C++ twin ping-pong",
    metric: 'round trip, median (target <= 3x)',
    unit: 'ns',
    higherIsBetter: false,
    ours: `ctx.requestTo(1, v) from core 0, awaited in a loop (idle '${idle}')`,
    peer: 'C++ twin (@corelane/spsc headers), ping-pong between two native threads',
    budgetMs: { quick: 15_000, full: 60_000 },
    description:
      idle === 'spin'
        ? 'Core 0 requests core 1 through the mesh and awaits each reply, timing every round trip; both cores spin ' +
          'when idle. It includes encoding, the handler call and the promise. The peer bounces one value between two ' +
          'native threads over the twin rings.'
        : 'The same round trips with the default idle strategy: an idle core polls, then sleeps on its doorbell ' +
          '(a futex) for the rest of its spin budget. A core whose own requests wait for replies polls the whole ' +
          'budget, so a peer that answers within it costs no futex wake on either side.',
    async setup(ctx: CaseContext): Promise<CaseRun | Unavailable> {
      const native = await nativePeers();
      if (typeof native === 'string') return unavailable(native);
      const count = ctx.quick ? 5_000 : 20_000;
      return {
        ours: () =>
          withRuntime({ cores: 2, idle }, async (rt) => {
            const result = (await rt.requestTo(0, { op: 'pingpong', n: count, to: 1 })) as { median: number };
            return result.median;
          }),
        peer: async () => (await runNative(native, 'twin', 'pingpong', count * 4)).median,
      };
    },
  };
}
