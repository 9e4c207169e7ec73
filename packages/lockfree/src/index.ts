// @corelane/lockfree: a lock-free hash map in shared memory, and the epoch-based reclamation
// under it.
export { CorelaneError, CorelaneRangeError, CorelaneTypeError, ErrorCode } from '@corelane/shared';
export type { ArenaUsage } from './arena.js';
export { type EpochAttachOptions, EpochDomain, type EpochDomainOptions } from './epoch-domain.js';
export { MAX_KEY_BYTES, type MapKey } from './key.js';
export {
  MAX_ARENA_BYTES,
  MAX_VALUE_BYTES,
  SharedMap,
  type SharedMapHandle,
  type SharedMapOptions,
} from './shared-map.js';
