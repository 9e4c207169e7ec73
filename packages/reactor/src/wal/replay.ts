// Replay of one segment in chunks: a small buffer, reused from chunk to chunk (so it stays in
// cache and costs no page faults, unlike a segment-sized one), is filled from the file, the
// whole records in it are handed over, and a record cut by the chunk's end is moved to the
// front to be completed by the next read.
//
// What open verified record by record (bytes [32, verifiedEnd), which only this writer could
// have changed since, and it never rewrites a record) is checked for its framing only (lengths,
// sequence numbers): a CRC per record again was most of replay's cost. Records appended since
// open are verified in full (CRC32C too).
import { constants } from 'node:fs';
import type { IoRing } from '@corelane/uring';
import { RecordHeader, recordSpan, SegmentHeader } from './layout.js';
import { type OnRecord, type ScanResult, scanRecords } from './scan.js';
import type { SegmentInfo } from './segments.js';

/** Bytes read at a time. */
const CHUNK = 1024 * 1024;

/** The buffer replay reads into, grown only for a record larger than a chunk. */
export class ReplayBuffer {
  bytes = new Uint8Array(new SharedArrayBuffer(CHUNK));
  view = new DataView(this.bytes.buffer);

  /** Makes room for `size` bytes, keeping the first `keep`. */
  grow(size: number, keep: number): void {
    if (this.bytes.length >= size) return;
    const bytes = new Uint8Array(new SharedArrayBuffer(size));
    bytes.set(this.bytes.subarray(0, keep));
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer);
  }
}

/** Whether a scan of `[.., limit)` stopped only because the bytes ran out (a record continues past `limit`). */
function ranOut(scan: ScanResult, limit: number): boolean {
  return scan.stop === 'short' || (scan.stop === 'end' && scan.end + RecordHeader.SIZE > limit);
}

/**
 * Hands over the records of segment `s` up to `s.end`, in order: `onRecord(seq, start, length)`
 * with `start` an offset into `buffer.bytes`, valid during the call only. Returns where and why
 * the records stopped, as file offsets.
 */
export async function replaySegment(
  ring: IoRing,
  s: SegmentInfo,
  buffer: ReplayBuffer,
  onRecord: OnRecord,
): Promise<Pick<ScanResult, 'end' | 'nextSeq' | 'stop'>> {
  const fd = await ring.open(s.path, constants.O_RDONLY);
  try {
    let base = SegmentHeader.SIZE; // the file offset of buffer.bytes[0]
    let filled = 0; // bytes of the buffer holding the file from `base`
    let seq = s.firstSeq;
    for (;;) {
      const want = Math.min(buffer.bytes.length, s.end - base);
      while (filled < want) {
        const n = await ring.read(fd, buffer.bytes.subarray(filled, want), base + filled);
        if (n === 0) break; // the file is shorter than `s.end`: the scan reports 'short'
        filled += n;
      }
      const { bytes, view } = buffer;
      const atEnd = base + filled >= s.end || filled < want;
      const verified = Math.max(0, Math.min(filled, s.verifiedEnd - base));
      let scan = scanRecords(bytes, view, 0, verified, seq, onRecord, false);
      if (ranOut(scan, verified)) scan = scanRecords(bytes, view, scan.end, filled, scan.nextSeq, onRecord);
      if (atEnd || !ranOut(scan, filled)) {
        return { end: base + scan.end, nextSeq: scan.nextSeq, stop: scan.stop };
      }
      // Carry the record the chunk cut over to the front; grow for one larger than the buffer.
      const keep = Math.max(0, filled - scan.end);
      if (keep > 0) bytes.copyWithin(0, scan.end, filled);
      if (keep >= RecordHeader.SIZE) {
        const span = recordSpan(view.getUint32(RecordHeader.LENGTH, true));
        buffer.grow(Math.min(span, s.end - base - scan.end), keep);
      }
      base += scan.end;
      filled = keep;
      seq = scan.nextSeq;
    }
  } finally {
    await ring.closeFile(fd);
  }
}
