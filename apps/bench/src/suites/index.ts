import type { Suite } from '../harness/suite.js';
import { affinitySuite } from './affinity/index.js';
import { kvSuite } from './kv/index.js';
import { lockfreeSuite } from './lockfree/index.js';
import { reactorSuite } from './reactor/index.js';
import { routerSuite } from './router/index.js';
import { spscSuite } from './spsc/index.js';
import { uringSuite } from './uring/index.js';
import { walSuite } from './wal/index.js';

/** Every suite `pnpm bench` knows, in the order they run. Add new suites here. */
export const suites: readonly Suite[] = [
  affinitySuite,
  spscSuite,
  routerSuite,
  lockfreeSuite,
  uringSuite,
  reactorSuite,
  walSuite,
  kvSuite,
];
