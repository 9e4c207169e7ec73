import {
  CorelaneRangeError,
  ErrorCode,
  requireInteger,
  requireOneOf,
  requireOptions,
  writeHeader,
} from '@corelane/shared';
import {
  capacityError,
  DATA_OFFSET,
  ELEMENT_TYPES,
  type ElementType,
  MAX_BYTE_CAPACITY,
  MAX_SLOT_CAPACITY,
  MIN_BYTE_CAPACITY,
  MIN_SLOT_CAPACITY,
  RING_MAGIC,
  RING_VERSION,
  RingKind,
} from './layout.js';

/** Options of `allocateRing()`. */
export interface RingOptions {
  /** Number of slots: a power of two from 2 to 2^27. */
  capacity: number;
  /** What one slot holds (default `'int32'`). */
  type?: ElementType;
}

/** Options of `allocateByteRing()`. */
export interface ByteRingOptions {
  /** Bytes of record space: a power of two from 64 to 2^30. Records up to capacity / 2 - 8 bytes fit. */
  capacity: number;
}

/** The capacity option: an integer in range (else `requireInteger`'s error), then the one capacity rule. */
function requireCapacity(value: unknown, kind: number, min: number, max: number): number {
  const capacity = requireInteger('capacity', value, min, max);
  if (capacityError(kind, capacity) !== null) {
    throw new CorelaneRangeError(ErrorCode.OUT_OF_RANGE, `capacity must be a power of two, got ${capacity}`);
  }
  return capacity;
}

/**
 * Allocates a slot ring for numbers: a `SharedArrayBuffer` holding a versioned header and
 * `capacity` slots of `type`. Hand the buffer to two threads; one attaches a `RingProducer`,
 * the other a `RingConsumer`.
 */
export function allocateRing(options: RingOptions): SharedArrayBuffer {
  const opts = requireOptions('options', options);
  const capacity = requireCapacity(opts.capacity, RingKind.SLOT, MIN_SLOT_CAPACITY, MAX_SLOT_CAPACITY);
  const type = requireOneOf('type', opts.type ?? 'int32', Object.keys(ELEMENT_TYPES) as ElementType[]);
  const spec = ELEMENT_TYPES[type];
  const byteLength = DATA_OFFSET + capacity * spec.bytes;
  const buffer = new SharedArrayBuffer(byteLength);
  writeHeader(buffer, {
    magic: RING_MAGIC,
    version: RING_VERSION,
    kind: RingKind.SLOT,
    variant: spec.code,
    capacity,
    dataOffset: DATA_OFFSET,
    byteLength,
  });
  return buffer;
}

/**
 * Allocates a byte ring for variable-length records: a `SharedArrayBuffer` holding a versioned
 * header and `capacity` bytes of record space. Attach a `ByteRingProducer` and a
 * `ByteRingConsumer` to it.
 */
export function allocateByteRing(options: ByteRingOptions): SharedArrayBuffer {
  const opts = requireOptions('options', options);
  const capacity = requireCapacity(opts.capacity, RingKind.BYTE, MIN_BYTE_CAPACITY, MAX_BYTE_CAPACITY);
  const byteLength = DATA_OFFSET + capacity;
  const buffer = new SharedArrayBuffer(byteLength);
  writeHeader(buffer, {
    magic: RING_MAGIC,
    version: RING_VERSION,
    kind: RingKind.BYTE,
    variant: 0,
    capacity,
    dataOffset: DATA_OFFSET,
    byteLength,
  });
  return buffer;
}
