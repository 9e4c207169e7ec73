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
 * Takes apart a record a `Router` wrote: pass what a `ByteRingConsumer.read()` handler gets.
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
  if (!isRoutedRecord(type)) malformed(`record type ${String(type)} is not one of RoutedRecordType`);
  const length = bytes.length;
  if (length < ROUTED_HEADER_BYTES) malformed(`${length} bytes is shorter than the 4-byte key length`);
  const keyLength =
    ((bytes[0] as number) |
      ((bytes[1] as number) << 8) |
      ((bytes[2] as number) << 16) |
      ((bytes[3] as number) << 24)) >>>
    0;
  const keyEnd = ROUTED_HEADER_BYTES + keyLength;
  if (keyEnd > length) malformed(`a key of ${keyLength} bytes does not fit in ${length} bytes`);
  const payload = bytes.subarray(keyEnd);
  if (type === RoutedRecordType.BYTES) return { key: bytes.subarray(ROUTED_HEADER_BYTES, keyEnd), payload };
  if (type === RoutedRecordType.STRING) {
    return { key: decoder.decode(bytes.subarray(ROUTED_HEADER_BYTES, keyEnd)), payload };
  }
  if (keyLength !== 8) malformed(`an integer key must take 8 bytes, not ${keyLength}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset + ROUTED_HEADER_BYTES, 8);
  const key = type === RoutedRecordType.NUMBER ? Number(view.getBigInt64(0, true)) : view.getBigUint64(0, true);
  return { key, payload };
}
