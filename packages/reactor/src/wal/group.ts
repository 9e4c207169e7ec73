// A group commit in the making: the records of appends that arrived while the previous group
// was in flight, laid out back to back in one SharedArrayBuffer exactly as they will lie in
// the segment, so a group is one write from memory the kernel reads in place. A payload is
// copied in when `append()` is called (the caller may reuse its buffer at once); the sequence
// numbers and CRCs are filled in when the group is sealed, just before its write, because a
// group that fails gives its numbers back to the next one.
import { recordCrc } from './crc.js';
import { RecordHeader, recordSpan, writeU64 } from './layout.js';

/** One append waiting in a group. */
interface Entry {
  /** Offset of its record in the group buffer. */
  offset: number;
  length: number;
  resolve(seq: number): void;
  reject(error: unknown): void;
}

export class Group {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /** Bytes of records so far (a multiple of 8). */
  used = 0;
  readonly entries: Entry[] = [];
  /** Position in the order groups were queued (1, 2, …), given when it stops taking appends. */
  index = 0;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(new SharedArrayBuffer(capacity));
    this.view = new DataView(this.bytes.buffer);
  }

  get capacity(): number {
    return this.bytes.length;
  }

  /** Whether a record of `length` payload bytes fits. */
  fits(length: number): boolean {
    return this.used + recordSpan(length) <= this.bytes.length;
  }

  /** Copies `data` in as the next record (its seq and CRC come at `seal()`). */
  add(data: Uint8Array, resolve: (seq: number) => void, reject: (error: unknown) => void): void {
    const offset = this.used;
    const span = recordSpan(data.length);
    this.view.setUint32(offset + RecordHeader.LENGTH, data.length, true);
    this.bytes.set(data, offset + RecordHeader.SIZE);
    // The buffer is reused: the padding must be zero, as the layout says.
    this.bytes.fill(0, offset + RecordHeader.SIZE + data.length, offset + span);
    this.entries.push({ offset, length: data.length, resolve, reject });
    this.used += span;
  }

  /**
   * Moves its last `count` entries (records, not yet sealed) into `into`, an empty group: their
   * bytes are copied and lie in `into` from offset 0, in the same order.
   */
  moveTail(count: number, into: Group): void {
    const moved = this.entries.splice(this.entries.length - count, count);
    const from = (moved[0] as Entry).offset;
    into.bytes.set(this.bytes.subarray(from, this.used), 0);
    for (const entry of moved) {
      entry.offset -= from;
      into.entries.push(entry);
    }
    into.used = this.used - from;
    this.used = from;
  }

  /** Numbers the records from `firstSeq` and computes their CRCs; returns the next free seq. */
  seal(firstSeq: number): number {
    let seq = firstSeq;
    for (const { offset, length } of this.entries) {
      writeU64(this.view, offset + RecordHeader.SEQ, seq++);
      this.view.setUint32(offset + RecordHeader.CRC, recordCrc(this.bytes, offset, length), true);
    }
    return seq;
  }

  /** Acknowledges every append, numbered from `firstSeq`. */
  resolveAll(firstSeq: number): void {
    let seq = firstSeq;
    for (const entry of this.entries) entry.resolve(seq++);
  }

  rejectAll(error: unknown): void {
    for (const entry of this.entries) entry.reject(error);
  }

  /** Empties it for reuse. */
  reset(): void {
    this.used = 0;
    this.entries.length = 0;
    this.index = 0;
  }
}
