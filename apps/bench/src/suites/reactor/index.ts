import { defineSuite } from '../../harness/suite.js';
import { keyedAggregation } from './aggregation.js';
import { idleRuntime } from './idle.js';
import { coreToCoreRoundTrip } from './mesh-round-trip.js';
import { parkedWakeUp, requestRoundTrip } from './round-trip.js';
import { fireAndForget } from './sends.js';

/**
 * @corelane/reactor: the runtime against what a Node user has without it — postMessage to
 * workers, piscina, one thread — and against the C++ twin's ring ping-pong (issue 10 targets in
 * each case's metric).
 */
export const reactorSuite = defineSuite({
  name: 'reactor',
  description:
    'The thread-per-core runtime: request round trips main → core → main vs postMessage; fire-and-forget sends to 2 ' +
    'cores vs postMessage (per message, batched 64) and piscina; keyed aggregation on 2 cores vs one thread and ' +
    'piscina; core → core round trips vs the C++ twin (spinning and hybrid cores); idle CPU and wake-up latency, parked vs spinning.',
  cases: [
    requestRoundTrip(),
    fireAndForget('message'),
    fireAndForget('batch'),
    fireAndForget('piscina'),
    keyedAggregation('single'),
    keyedAggregation('piscina'),
    coreToCoreRoundTrip('spin'),
    coreToCoreRoundTrip('hybrid'),
    idleRuntime(),
    parkedWakeUp('median'),
    parkedWakeUp('p99'),
  ],
});
