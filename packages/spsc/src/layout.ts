import { FALSE_SHARING_BYTES, HEADER_BYTES, type HeaderFields, isPowerOfTwo, magicOf } from '@corelane/shared';

/**
 * The byte layout of both ring kinds (layout version 2). The same bytes are read by the C++ twin
 * in native/include/corelane/spsc/layout.h; change both together and bump `RING_VERSION`.
 *
 * ```
 * byte 0    ┌──────────────────────────────────────────────────────────────┐
 *           │ header: magic "CLRG", version, kind, element type, capacity, │
 *           │         dataOffset (512), byteLength                         │
 * byte 64   ├──────────────────────────────────────────────────────────────┤
 *           │ roles: producer role @64, consumer role @68, one word each:  │
 *           │        bits 0-1 the state (0 free · 1 JS · 2 native ·        │
 *           │        3 closed), bits 2-31 the claim generation (+1 per     │
 *           │        claim), so one compare-exchange checks both           │
 * byte 128  ├──────────────────────────────────────────────────────────────┤
 *           │ producer line: tail @128 — written by the producer only      │
 * byte 256  ├──────────────────────────────────────────────────────────────┤
 *           │ consumer line: head @256 — written by the consumer only      │
 * byte 384  ├──────────────────────────────────────────────────────────────┤
 *           │ wait line: producer sleeping @384, consumer sleeping @388    │
 *           │            (`Sleeper` bits, written by that side around a    │
 *           │            sleep, read by the peer per publish);             │
 *           │            producer wake @392, consumer wake @396 (the word  │
 *           │            each side sleeps on, bumped by every change it    │
 *           │            must see: a publish while it sleeps, a close, a   │
 *           │            role taken back)                                  │
 * byte 512  ├──────────────────────────────────────────────────────────────┤
 *           │ data: capacity slots of the element type (slot ring), or     │
 *           │       capacity bytes of 8-byte-aligned records (byte ring)   │
 *           └──────────────────────────────────────────────────────────────┘
 * ```
 *
 * `tail` and `head` are free-running unsigned 32-bit counters (slots, or bytes for the byte
 * ring) that wrap modulo 2^32. The position in the data is `counter & (capacity - 1)`; the fill
 * is `(tail - head) mod 2^32`, exact because capacity ≤ 2^30 < 2^32. JS keeps them as int32
 * (`| 0` after each add) and C++ as `uint32_t`: the same bits.
 *
 * Version 1 kept the generation in its own word (a check, then a compare-exchange of the role:
 * a race) and had sleepers wait on the peer's index, which `close()` does not change (a lost
 * wake-up). Version 1 rings are refused with `ERR_CORELANE_BAD_RING`.
 */
export const RING_MAGIC = magicOf('CLRG');
export const RING_VERSION = 2;

/** `kind` in the header. */
export const RingKind = { SLOT: 1, BYTE: 2 } as const;

/** Int32 word indices of the control fields (byte offset / 4). */
export const Word = {
  PRODUCER_ROLE: 64 / 4,
  CONSUMER_ROLE: 68 / 4,
  TAIL: 128 / 4,
  HEAD: 256 / 4,
  PRODUCER_SLEEPING: 384 / 4,
  CONSUMER_SLEEPING: 388 / 4,
  PRODUCER_WAKE: 392 / 4,
  CONSUMER_WAKE: 396 / 4,
} as const;

/** The state in the low two bits of a role word. */
export const Role = { FREE: 0, JS: 1, NATIVE: 2, CLOSED: 3 } as const;
/** The bits of a role word that hold the state; the rest is the claim generation. */
export const ROLE_STATE_MASK = 3;
/** What one claim adds to a role word's generation bits. */
export const ROLE_GENERATION_ONE = 4;

/**
 * Bits of a sleeping word: how the side sleeps, so the peer wakes it the right way. V8's
 * `Atomics.notify` reaches only `Atomics.wait`ers; `futex(FUTEX_WAKE)` reaches only `futex(2)`
 * sleepers (a native thread, or JS through the addon).
 */
export const Sleeper = { ATOMICS: 1, FUTEX: 2 } as const;

/** Where the data starts: the header line, then roles, producer, consumer and wait lines. */
export const DATA_OFFSET = 512;

// The control lines must stay apart by FALSE_SHARING_BYTES; a compile-time-ish guard.
if (Word.HEAD * 4 - Word.TAIL * 4 < FALSE_SHARING_BYTES || Word.PRODUCER_ROLE * 4 < HEADER_BYTES) {
  throw new Error('spsc layout: control fields overlap');
}

/** The element types of a slot ring, with their `variant` code in the header. */
export const ELEMENT_TYPES = {
  int32: { code: 1, bytes: 4, array: Int32Array },
  float64: { code: 2, bytes: 8, array: Float64Array },
  bigint64: { code: 3, bytes: 8, array: BigInt64Array },
} as const;

/** The element type of a slot ring. */
export type ElementType = keyof typeof ELEMENT_TYPES;

/** The element type whose header code is `code`. */
export function elementTypeOf(code: number): ElementType | undefined {
  for (const [name, spec] of Object.entries(ELEMENT_TYPES)) if (spec.code === code) return name as ElementType;
  return undefined;
}

/** Largest slot ring: 2^27 slots (1 GiB of 8-byte elements). */
export const MAX_SLOT_CAPACITY = 2 ** 27;
/** Smallest slot ring. */
export const MIN_SLOT_CAPACITY = 2;
/** Largest byte ring: 2^30 bytes (1 GiB). */
export const MAX_BYTE_CAPACITY = 2 ** 30;
/** Smallest byte ring: 64 bytes (room for two 24-byte records). */
export const MIN_BYTE_CAPACITY = 64;

/** Header of one byte-ring record: int32 length of the payload, int32 type. */
export const RECORD_HEADER_BYTES = 8;
/** Records start on 8-byte boundaries. */
export const RECORD_ALIGNMENT = 8;
/** The type of a padding record, written where a record does not fit before the end. */
export const PADDING_TYPE = -1;
/** Largest record type a user may give. */
export const MAX_RECORD_TYPE = 0x7fffffff;

/**
 * The largest payload a byte ring of `capacity` bytes accepts: capacity / 2 - 8. With its
 * header a record then takes at most half the ring, so it always fits into an empty ring,
 * whatever the position (before the end, or after a padding record at the start).
 */
export function maxRecordBytes(capacity: number): number {
  return capacity / 2 - RECORD_HEADER_BYTES;
}

/**
 * The one capacity rule, for both kinds (the C++ twin's `capacity_error()` in layout.h is the
 * same rule; test/capacity-rule.test.ts holds them to it): a power of two from the kind's
 * minimum to its maximum. Returns why `capacity` is refused, or null.
 */
export function capacityError(kind: number, capacity: number): string | null {
  const [min, max] =
    kind === RingKind.BYTE ? [MIN_BYTE_CAPACITY, MAX_BYTE_CAPACITY] : [MIN_SLOT_CAPACITY, MAX_SLOT_CAPACITY];
  if (!isPowerOfTwo(capacity) || capacity < min || capacity > max) {
    return `capacity ${capacity} is not a power of two in ${min}..${max}`;
  }
  return null;
}

/** The header expectation of a slot ring (any element type; the side checks the one it wants). */
export const SLOT_RING = {
  what: `corelane slot ring (version ${RING_VERSION})`,
  magic: RING_MAGIC,
  version: RING_VERSION,
  kind: RingKind.SLOT,
  variants: Object.values(ELEMENT_TYPES).map((t) => t.code),
  checkCapacity: (f: HeaderFields) => capacityError(RingKind.SLOT, f.capacity),
  expectedLayout: (f: HeaderFields) => {
    const type = elementTypeOf(f.variant) ?? 'int32';
    return { dataOffset: DATA_OFFSET, byteLength: DATA_OFFSET + f.capacity * ELEMENT_TYPES[type].bytes };
  },
};

/** The header expectation of a byte ring. */
export const BYTE_RING = {
  what: `corelane byte ring (version ${RING_VERSION})`,
  magic: RING_MAGIC,
  version: RING_VERSION,
  kind: RingKind.BYTE,
  variants: [0],
  checkCapacity: (f: HeaderFields) => capacityError(RingKind.BYTE, f.capacity),
  expectedLayout: (f: HeaderFields) => ({ dataOffset: DATA_OFFSET, byteLength: DATA_OFFSET + f.capacity }),
};
