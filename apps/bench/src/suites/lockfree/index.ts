import { defineSuite } from '../../harness/suite.js';
import { countersVsMutex, getVsMap, vsMutex, vsPostMessage } from './cases.js';

/**
 * @corelane/lockfree: SharedMap from two worker threads against a Map owned by one worker and
 * asked by postMessage (issue targets >= 50x per op, >= 5x batched 64), against a shared-memory
 * table under one mutex (>= 1.5x), single-thread get against Map.get (within 3x), and hot CAS
 * counters against the mutex table (reported).
 */
export const lockfreeSuite = defineSuite({
  name: 'lockfree',
  description:
    'The lock-free SharedMap of @corelane/lockfree from 2 worker threads vs a Map in an owner worker asked by ' +
    'postMessage (per op and batched 64) and vs a shared-memory table under one Atomics mutex; get in one thread ' +
    'vs Map.get; hot CAS counters vs the mutex table.',
  cases: [vsPostMessage(false), vsPostMessage(true), vsMutex(), getVsMap(), countersVsMutex()],
});
