import type { Suite } from '../harness/suite.js';
import { affinitySuite } from './affinity/index.js';

/** Every suite `pnpm bench` knows, in the order they run. Add new suites here. */
export const suites: readonly Suite[] = [affinitySuite];
