// The on-disk layout of a WAL segment: a 32-byte header, then records, each 8-byte aligned.
// Everything is little-endian (files move between machines; never the platform's order).
//
// Segment file `<dir>/<firstSeq, 20 digits>.wal`, preallocated to `segmentSize` bytes:
//
//   byte 0        4         6          8                16          20          24        28        32
//        ┌────────┬─────────┬──────────┬────────────────┬───────────┬───────────┬─────────┬─────────┐
//        │ magic  │ version │ hdrBytes │ firstSeq (u64) │ segSize   │ tornWin   │ (zero)  │ crc32c  │
//        │ "CLWL" │ u16 = 1 │ u16 = 32 │                │ u32       │ u32       │ 4 bytes │ of 0..28│
//        └────────┴─────────┴──────────┴────────────────┴───────────┴───────────┴─────────┴─────────┘
//   `tornWin` is recovery's torn-tail window for this segment: how far past a bad record a crash
//   may have left unsynced bytes. Under 'always' the groups in flight are unsynced, so it is the
//   writer's `maxGroupBytes` x `maxGroupsInFlight` (capped at the segment size); under 'interval'
//   and 'none' many groups are, so it is the segment size. A
//   writer only ever raises it (rewriting the header before its first write).
//   byte 32: the first record; records follow back to back, each padded to a multiple of 8;
//   the rest of the file is zero: unwritten (fallocated; re-preallocated when a torn tail was cut)
//   or zeros written ahead of the tail (`zero-ahead.ts`); both read as "no record".
//
// Record (16-byte header + payload + zero padding to 8):
//
//   byte 0         4          8                 16               16+length   (next record, 8-aligned)
//        ┌─────────┬──────────┬─────────────────┬────────────────┬─────────┐
//        │ crc32c  │ length   │ seq (u64)       │ payload        │ padding │
//        │ of 4..  │ u32      │ previous seq +1 │ `length` bytes │ 0..7    │
//        └─────────┴──────────┴─────────────────┴────────────────┴─────────┘
//
// The CRC32C (Castagnoli) covers bytes 4..16 of the header (length and seq) and the payload, so
// a record whose length or sequence number was damaged fails its CRC like one whose payload was.
// Sequence numbers start at 1: a zeroed header (seq 0) never passes, so the preallocated zeros
// after the last record end the log without a special marker.

/** "CLWL", first character in the low byte. */
export const SEGMENT_MAGIC = 0x4c574c43;
export const SEGMENT_VERSION = 1;

/** Segment header byte offsets. */
export const SegmentHeader = {
  MAGIC: 0,
  VERSION: 4,
  HEADER_BYTES: 6,
  FIRST_SEQ: 8,
  SEGMENT_SIZE: 16,
  TORN_WINDOW: 20,
  CRC: 28,
  /** Size of the header: the first record starts here. */
  SIZE: 32,
} as const;

/** Record header byte offsets. */
export const RecordHeader = {
  CRC: 0,
  LENGTH: 4,
  SEQ: 8,
  /** Size of the header: the payload starts here. */
  SIZE: 16,
} as const;

/** Records start on 8-byte boundaries. */
export const RECORD_ALIGN = 8;

/** Bytes a record of `length` payload bytes takes in a segment, padding included. */
export function recordSpan(length: number): number {
  return (RecordHeader.SIZE + length + RECORD_ALIGN - 1) & ~(RECORD_ALIGN - 1);
}

/** The file name of the segment whose first record is `firstSeq`: sorts by name as by number. */
export function segmentName(firstSeq: number): string {
  return `${String(firstSeq).padStart(20, '0')}.wal`;
}

const SEGMENT_FILE = /^(\d{20})\.wal$/;

/** The first sequence number a segment file name declares, or null when it is not a segment's name. */
export function parseSegmentName(name: string): number | null {
  const match = SEGMENT_FILE.exec(name);
  return match === null ? null : Number(match[1]);
}

/** Reads a u64 that must fit in a JS number (sequence numbers stay below 2^53). */
export function readU64(view: DataView, offset: number): number {
  return view.getUint32(offset, true) + view.getUint32(offset + 4, true) * 0x1_0000_0000;
}

/** Writes a non-negative integer below 2^53 as a u64. */
export function writeU64(view: DataView, offset: number, value: number): void {
  view.setUint32(offset, value >>> 0, true);
  view.setUint32(offset + 4, Math.floor(value / 0x1_0000_0000), true);
}
