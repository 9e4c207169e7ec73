/**
 * @corelane/spsc: single-producer single-consumer rings in a `SharedArrayBuffer`, for numbers
 * (slot ring) and for variable-length records (byte ring), with batched publishing, waits that
 * wake only a sleeping peer (futex(2) through the addon when the peer is native), and a C++ twin
 * that speaks the same layout.
 * @packageDocumentation
 */
export { CorelaneError, CorelaneRangeError, CorelaneTypeError, ErrorCode } from '@corelane/shared';
export { allocateByteRing, allocateRing, type ByteRingOptions, type RingOptions } from './allocate.js';
export type { SideOptions } from './attach.js';
export { ByteRingConsumer, type RecordHandler, type RecordOffsetHandler } from './byte-consumer.js';
export { ByteRingProducer } from './byte-producer.js';
export { type Capability, capabilities, type SpscCapabilities } from './capabilities.js';
export { type ElementType, maxRecordBytes } from './layout.js';
export {
  NativeRingThread,
  type NativeThreadOptions,
  type NativeThreadResult,
  nativeThreads,
} from './native-thread.js';
export { releaseRole } from './release-role.js';
export { RingConsumer, type RingConsumerOptions } from './ring-consumer.js';
export { RingProducer, type RingProducerOptions } from './ring-producer.js';
export type { RingRole, RingSide } from './side.js';
export type { SlotArray, SlotArrayOf, SlotValue, SlotValueOf } from './slot-data.js';
