// The record a Router writes into a target's byte ring, and its decoder. One spsc byte-ring
// record per routed event; the ring's own 8-byte header carries the length and the record type,
// and the type says what kind of key the record holds.
//
//   spsc record payload (length L, type = one of RoutedRecordType)
//   byte 0              4                     4 + K                      L
//   ┌───────────────────┬─────────────────────┬──────────────────────────┐
//   │ K: key length     │ key (K bytes)       │ payload (L - 4 - K bytes)│
//   │ uint32 LE         │                     │                          │
//   └───────────────────┴─────────────────────┴──────────────────────────┘
//
//   key, by type:  BYTES   the key's bytes as given
//                  STRING  the key's UTF-8 bytes (lone surrogates as U+FFFD, like TextEncoder)
//                  NUMBER  8 bytes: the integer as an i64, little-endian two's complement
//                  BIGINT  8 bytes: the integer as a u64, little-endian (negative i64 values as
//                          their two's complement, the bits fxhash64 hashes)
import { CorelaneRangeError, CorelaneTypeError, ErrorCode } from '@corelane/shared';

/**
 * The spsc record types of routed records: one per key kind ("RT" in the high bytes, so they
 * stand out from a ring's other records, whose type is usually a small number).
 */
export const RoutedRecordType = {
  /** The key was a `Uint8Array`. */
  BYTES: 0x5254_0001,
  /** The key was a string (stored as UTF-8). */
  STRING: 0x5254_0002,
  /** The key was a safe-integer `number` (stored as an i64). */
  NUMBER: 0x5254_0003,
  /** The key was a `bigint` (stored as a u64). */
  BIGINT: 0x5254_0004,
} as const;

/** One of the {@link RoutedRecordType} values. */
export type RoutedRecordType = (typeof RoutedRecordType)[keyof typeof RoutedRecordType];

/** Bytes before the key: its length, a uint32 little-endian. */
export const ROUTED_HEADER_BYTES = 4;

/** A routed record taken apart by {@link decodeRoutedRecord}. */
export interface RoutedRecord {
  /**
   * The key, of the kind it was routed with: `partition(key, n)` of the decoded key is the
   * target that received it. A `Uint8Array` key is a view into the ring (copy it to keep it,
   * like the record itself); a bigint comes back as its u64 bits (`-1n` as `2n ** 64n - 1n`,
   * which hashes the same).
   */
  key: Uint8Array | string | number | bigint;
  /** The payload: a view into the ring, valid only during the `read()` handler. */
  payload: Uint8Array;
}

const decoder = new TextDecoder();

/** Whether a byte-ring record of this type was written by a `Router`. */
export function isRoutedRecord(type: number): type is RoutedRecordType {
  return type >= RoutedRecordType.BYTES && type <= RoutedRecordType.BIGINT;
}

function malformed(why: string): never {
  throw new CorelaneRangeError(ErrorCode.OUT_OF_RANGE, `not a routed record: ${why}`);
}

/**
 * Checks that `data[offset]` … `data[offset + length - 1]` holds a whole routed record of this
 * `type` and returns its key length (K in the diagram above). Reads the 4 length bytes only.
 */
export function routedKeyLength(data: Uint8Array, offset: number, length: number, type: number): number {
  if (!isRoutedRecord(type)) malformed(`record type ${String(type)} is not one of RoutedRecordType`);
  if (length < ROUTED_HEADER_BYTES) malformed(`${length} bytes is shorter than the 4-byte key length`);
  const keyLength =
    ((data[offset] as number) |
      ((data[offset + 1] as number) << 8) |
      ((data[offset + 2] as number) << 16) |
      ((data[offset + 3] as number) << 24)) >>>
    0;
  if (keyLength > length - ROUTED_HEADER_BYTES) {
    malformed(`a key of ${keyLength} bytes does not fit in ${length} bytes`);
  }
  if (keyLength !== 8 && (type === RoutedRecordType.NUMBER || type === RoutedRecordType.BIGINT)) {
    malformed(`an integer key must take 8 bytes, not ${keyLength}`);
  }
  return keyLength;
}

/**
 * The key stored at `data[keyOffset]` … `data[keyOffset + keyLength - 1]` in a record of this
 * (checked) type: a view for `BYTES`, a decoded string, a number or a bigint.
 */
export function decodeKeyAt(
  data: Uint8Array,
  keyOffset: number,
  keyLength: number,
  type: RoutedRecordType,
): Uint8Array | string | number | bigint {
  if (type === RoutedRecordType.BYTES) return data.subarray(keyOffset, keyOffset + keyLength);
  if (type === RoutedRecordType.STRING) return decoder.decode(data.subarray(keyOffset, keyOffset + keyLength));
  const lo =
    ((data[keyOffset] as number) |
      ((data[keyOffset + 1] as number) << 8) |
      ((data[keyOffset + 2] as number) << 16) |
      ((data[keyOffset + 3] as number) << 24)) >>>
    0;
  const hi =
    (data[keyOffset + 4] as number) |
    ((data[keyOffset + 5] as number) << 8) |
    ((data[keyOffset + 6] as number) << 16) |
    ((data[keyOffset + 7] as number) << 24);
  // NUMBER: an i64 that was a safe integer, so hi * 2^32 + lo is exact; BIGINT: the u64 bits.
  if (type === RoutedRecordType.NUMBER) return hi * 4294967296 + lo;
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo);
}

/**
 * Takes apart a record a `Router` wrote: pass what a `ByteRingConsumer.read()` handler gets.
 * Allocates the result and, for a string key, the string; {@link RoutedReader} reads records
 * in place without either.
 *
 * @example
 * consumer.read((bytes, type) => {
 *   const { key, payload } = decodeRoutedRecord(bytes, type);
 * });
 * @throws `TypeError` `ERR_CORELANE_INVALID_ARGUMENT` when `bytes` is not a `Uint8Array`;
 *   `RangeError` `ERR_CORELANE_OUT_OF_RANGE` when `type` is not a {@link RoutedRecordType} or
 *   the bytes do not hold a whole routed record.
 */
export function decodeRoutedRecord(bytes: Uint8Array, type: number): RoutedRecord {
  if (!(bytes instanceof Uint8Array)) {
    throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, `bytes must be a Uint8Array, got ${typeof bytes}`);
  }
  const keyLength = routedKeyLength(bytes, 0, bytes.length, type);
  const keyEnd = ROUTED_HEADER_BYTES + keyLength;
  return {
    key: decodeKeyAt(bytes, ROUTED_HEADER_BYTES, keyLength, type as RoutedRecordType),
    payload: bytes.subarray(keyEnd),
  };
}
