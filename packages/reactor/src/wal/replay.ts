// Replay of one segment in chunks: a small buffer, reused from chunk to chunk (so it stays in
// cache and costs no page faults, unlike a segment-sized one), is filled from the file, the
// whole records in it are handed over, and a record cut by the chunk's end is moved to the
// front to be completed by the next read.
//
// What open verified record by record (bytes [32, verifiedEnd), which only this writer could
// have changed since, and it never rewrites a record) is checked for its framing only (lengths,
// sequence numbers): a CRC per record again was most of replay's cost. Records appended since
// open are verified in full (CRC32C too).
//
// The verified bytes are walked with `walkRecords()` (32-bit word loads), and the record it stops
// at goes to `scanRecords()`, which says why (see frame.ts).
//
// A record's `data` view is made when the callback first reads it (`ReplayedRecord`): making a
// Uint8Array costs more than framing a 128-byte record, so a callback that only needs `seq`
// (counting, skipping) pays for no view.
import { constants } from 'node:fs';
import type { IoRing } from '@corelane/uring';
import { FRAME_WORDS, Walked, walkRecords } from './frame.js';
import { RecordHeader, recordSpan, SegmentHeader } from './layout.js';
import { type OnRecord, type ScanResult, scanRecords } from './scan.js';
import type { SegmentInfo } from './segments.js';

/**
 * Bytes read at a time. Each read is a round trip through the ring: measured on 1 GiB of 128 B
 * records in the page cache, 1 MiB reads replay ~10% faster than 256 KiB ones and ~20% faster
 * than 128 KiB ones (the copy is no faster from a smaller, cache-resident buffer here).
 */
const CHUNK = 1024 * 1024;

/** One record handed to `replay()`'s callback; its `data` view is made when it is read. */
export class ReplayedRecord {
  readonly seq: number;
  readonly #buffer: ArrayBufferLike;
  readonly #start: number;
  readonly #length: number;
  #data: Uint8Array | null = null;

  constructor(seq: number, buffer: ArrayBufferLike, start: number, length: number) {
    this.seq = seq;
    this.#buffer = buffer;
    this.#start = start;
    this.#length = length;
  }

  /**
   * The payload: a view into the replay buffer, valid during the callback only; made on the
   * first read and kept (a callback that reads `record.data[i]` in a loop makes one view).
   */
  get data(): Uint8Array {
    this.#data ??= new Uint8Array(this.#buffer, this.#start, this.#length);
    return this.#data;
  }
}

/** The buffer replay reads into, grown only for a record larger than a chunk. */
export class ReplayBuffer {
  bytes = new Uint8Array(new SharedArrayBuffer(CHUNK));
  /**
   * `bytes.buffer`, kept: what each record's view is made over. Reading `.buffer` of a view
   * over a SharedArrayBuffer once per record cost about 10 ns of a 128 B record's ~20 in the
   * walk (V8 12, measured in one process), half of replay's time per record.
   */
  arrayBuffer: ArrayBufferLike = this.bytes.buffer;
  view = new DataView(this.arrayBuffer);
  /** The same bytes as 32-bit words, for `walkRecords()`. */
  words = wordsOf(this.arrayBuffer);

  /** Makes room for `size` bytes, keeping the first `keep`. */
  grow(size: number, keep: number): void {
    if (this.bytes.length >= size) return;
    const bytes = new Uint8Array(new SharedArrayBuffer(size));
    bytes.set(this.bytes.subarray(0, keep));
    this.bytes = bytes;
    this.arrayBuffer = bytes.buffer;
    this.view = new DataView(bytes.buffer);
    this.words = wordsOf(bytes.buffer);
  }
}

/** Every whole 32-bit word of `buffer` (a grown buffer's size need not be a multiple of 4). */
function wordsOf(buffer: ArrayBufferLike): Uint32Array {
  return new Uint32Array(buffer, 0, buffer.byteLength >>> 2);
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
    const walked = new Walked();
    for (;;) {
      const want = Math.min(buffer.bytes.length, s.end - base);
      while (filled < want) {
        const n = await ring.read(fd, buffer.bytes.subarray(filled, want), base + filled);
        if (n === 0) break; // the file is shorter than `s.end`: the scan reports 'short'
        filled += n;
      }
      const { bytes, view, words } = buffer;
      const atEnd = base + filled >= s.end || filled < want;
      const verified = Math.max(0, Math.min(filled, s.verifiedEnd - base));
      if (FRAME_WORDS) walkRecords(words, 0, verified, seq, onRecord, walked);
      else Object.assign(walked, { end: 0, nextSeq: seq });
      let scan = scanRecords(bytes, view, walked.end, verified, walked.nextSeq, onRecord, false);
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
