// Verifying the records of one segment held in memory: the one parser that recovery and replay
// share. A record counts only if its header fits, its payload fits, its sequence number is the
// next one and its CRC32C matches; the first that does not ends the segment's log.
import { recordCrc } from './crc.js';
import type { DamageReason } from './errors.js';
import { RECORD_ALIGN, RecordHeader, readU64, recordSpan } from './layout.js';

/** Where and why a scan stopped. */
export interface ScanResult {
  /** Offset just past the last good record: where the next one belongs. */
  end: number;
  /** The sequence number the next record must carry. */
  nextSeq: number;
  records: number;
  /** Payload bytes of the good records. */
  bytes: number;
  /** `'end'`: clean (no room for a header, or an all-zero header); otherwise what failed at `end`. */
  stop: 'end' | DamageReason;
}

/** Called for each good record: its sequence number and where its payload lies in the buffer. */
export type OnRecord = (seq: number, payloadStart: number, length: number) => void;

/**
 * Scans `bytes[start, limit)` for records numbered from `firstSeq`. With `checkCrc` false only
 * the framing (lengths, sequence) is checked: for bytes whose records were verified before and
 * that one CRC over the whole range shows unchanged.
 */
export function scanRecords(
  bytes: Uint8Array,
  view: DataView,
  start: number,
  limit: number,
  firstSeq: number,
  onRecord?: OnRecord,
  checkCrc = true,
): ScanResult {
  let off = start;
  let seq = firstSeq;
  let payload = 0;
  let stop: ScanResult['stop'] = 'end';
  while (off + RecordHeader.SIZE <= limit) {
    const crc = view.getUint32(off + RecordHeader.CRC, true);
    const length = view.getUint32(off + RecordHeader.LENGTH, true);
    const recordSeq = readU64(view, off + RecordHeader.SEQ);
    if (crc === 0 && length === 0 && recordSeq === 0) break; // the zeros after the last record
    if (off + RecordHeader.SIZE + length > limit) {
      stop = 'short';
      break;
    }
    if (recordSeq !== seq) {
      stop = 'sequence';
      break;
    }
    if (checkCrc && recordCrc(bytes, off, length) !== crc) {
      stop = 'crc';
      break;
    }
    onRecord?.(seq, off + RecordHeader.SIZE, length);
    payload += length;
    seq++;
    off += recordSpan(length);
  }
  // `off` may pass `limit` by the padding of a last record cut short inside it: its padding is
  // implied (zeros), and the next record still starts 8-aligned.
  return { end: off, nextSeq: seq, records: seq - firstSeq, bytes: payload, stop };
}

/**
 * The offset of a good record numbered after `afterSeq` that starts at or after `from`, or -1.
 * Only 8-aligned offsets can start a record; a candidate's sequence number and length must be
 * plausible before its CRC is computed, so the scan costs little beyond reading the bytes.
 */
export function findLaterRecord(
  bytes: Uint8Array,
  view: DataView,
  from: number,
  limit: number,
  afterSeq: number,
): number {
  const maxSeq = afterSeq + Math.ceil(limit / RecordHeader.SIZE) + 1; // records take 16 bytes at least
  for (
    let off = from + ((RECORD_ALIGN - (from % RECORD_ALIGN)) % RECORD_ALIGN);
    off + RecordHeader.SIZE <= limit;
    off += RECORD_ALIGN
  ) {
    const seq = readU64(view, off + RecordHeader.SEQ);
    if (seq <= afterSeq || seq > maxSeq) continue;
    const length = view.getUint32(off + RecordHeader.LENGTH, true);
    if (off + RecordHeader.SIZE + length > limit) continue;
    if (recordCrc(bytes, off, length) === view.getUint32(off + RecordHeader.CRC, true)) return off;
  }
  return -1;
}

const ZERO_BLOCK = Buffer.alloc(64 * 1024);

/** One past the last non-zero byte of `bytes[from, limit)`, or `from` when they are all zero. */
export function dataEnd(bytes: Uint8Array, from: number, limit: number): number {
  // Whole blocks compared with zeros natively (memcmp), from the end; then bytes in the first
  // block that is not all zero. A preallocated segment is mostly zeros after its records.
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = limit;
  while (
    end - from >= ZERO_BLOCK.length &&
    buffer.compare(ZERO_BLOCK, 0, ZERO_BLOCK.length, end - ZERO_BLOCK.length, end) === 0
  ) {
    end -= ZERO_BLOCK.length;
  }
  while (end > from && bytes[end - 1] === 0) end--;
  return end;
}
