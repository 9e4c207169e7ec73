import { defineSuite } from '../../harness/suite.js';
import { pinCase } from './pin.js';
import { pingPongCase } from './pingpong.js';
import { streamCase } from './stream.js';

/** @corelane/affinity: what pinning costs, and what it does to messages between two workers. */
export const affinitySuite = defineSuite({
  name: 'affinity',
  description:
    'Pinning threads with @corelane/affinity: the cost of a pin, and its effect on postMessage between workers.',
  cases: [pinCase, pingPongCase, streamCase],
});
