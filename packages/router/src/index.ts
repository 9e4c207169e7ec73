/**
 * @corelane/router: decide which core owns a key. FxHash bit-exact with the Rust crate fxhash
 * 0.2.1, modulo, jump and rendezvous partitioners, and native batch hashing.
 * @packageDocumentation
 */
export { CorelaneError, CorelaneRangeError, CorelaneTypeError, ErrorCode } from '@corelane/shared';
export { type Capability, capabilities, type RouterCapabilities } from './capabilities.js';
export { fxhash32 } from './fxhash32.js';
export { fxhash64 } from './fxhash64.js';
export { hashBatch, type KeyBatch } from './hash-batch.js';
export { jumpHash, jumpPartition } from './jump-hash.js';
export type { RouterKey } from './key.js';
export { type PackedKeys, packKeys } from './pack-keys.js';
export { partition } from './partition.js';
export type { Partitioner } from './partitioner.js';
export { type Rendezvous, rendezvous } from './rendezvous.js';
export { RoutedReader, type RoutedRecordHandler, type RoutedRecordView } from './routed-reader.js';
export {
  decodeRoutedRecord,
  isRoutedRecord,
  ROUTED_HEADER_BYTES,
  type RoutedRecord,
  RoutedRecordType,
} from './routed-record.js';
export {
  type BackpressurePolicy,
  Router,
  type RouterOptions,
  type RouterTargetStats,
} from './router.js';
export type { RouterTarget } from './router-targets.js';
export { TargetCache } from './target-cache.js';
