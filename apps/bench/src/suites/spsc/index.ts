import { defineSuite } from '../../harness/suite.js';
import { spscCases } from './cases.js';

/** @corelane/spsc: ring throughput and ping-pong latency against postMessage, ringbuf.js, boost and the C++ twin. */
export const spscSuite = defineSuite({
  name: 'spsc',
  description:
    'SPSC rings of @corelane/spsc between two worker_threads vs postMessage (per message and batched), ringbuf.js, ' +
    'C++ boost::lockfree::spsc_queue and the C++ twin: 4-byte items per item and batched, 32- and 256-byte ' +
    'records, ping-pong round trips.',
  cases: spscCases,
});
