import { dataViewOf } from '@corelane/shared';
import { readU32, writeU32 } from '../codec/frame.js';

/** Bytes of an entry's header: its record type and payload length. */
const ENTRY_HEADER = 8;
/** An empty queue whose buffer grew past this lets it go (a burst does not pin its memory). */
const KEEP_BYTES = 1 << 20;

/**
 * The overflow queue of one outbound ring: the frames that found the ring full, oldest first,
 * in one growable byte buffer, so a full ring costs no allocation per frame once the buffer
 * has grown to the backlog's size. Only the owning thread touches it (no shared memory).
 *
 * ```
 * bytes  ┌──────────┬────────────┬───────────────┬──────────┬─────── … ─┬─────────┐
 *        │ type u32 │ length u32 │ payload       │ type u32 │ …         │ (free)  │
 *        └──────────┴────────────┴───────────────┴──────────┴─────── … ─┴─────────┘
 *        ^ head: the oldest entry                                       ^ tail
 * ```
 *
 * Room is made at the tail by moving the live entries to the front, then by growing.
 */
export class OverflowQueue {
  /** The entries; a frame is written into it at the offset `reserve()` returns. */
  bytes: Uint8Array = new Uint8Array(0);
  /** `bytes` as a DataView (for `writeFrame()`), replaced with it. */
  view = dataViewOf(this.bytes);
  #head = 0;
  #tail = 0;
  /** Entries queued. */
  count = 0;

  /** Makes room for a payload of `length` bytes at the tail; returns where in `bytes` it goes (then `push()`). */
  reserve(length: number): number {
    const needed = ENTRY_HEADER + length;
    if (this.#tail + needed > this.bytes.length) {
      const live = this.#tail - this.#head;
      if (this.#head > 0 && live + needed <= this.bytes.length) {
        this.bytes.copyWithin(0, this.#head, this.#tail);
      } else {
        const grown = new Uint8Array(Math.max(this.bytes.length * 2, live + needed, 4096));
        grown.set(this.bytes.subarray(this.#head, this.#tail));
        this.#use(grown);
      }
      this.#head = 0;
      this.#tail = live;
    }
    return this.#tail + ENTRY_HEADER;
  }

  /** Appends the entry whose payload (`length` bytes) was written where `reserve()` said. */
  push(type: number, length: number): void {
    writeU32(this.bytes, this.#tail, type);
    writeU32(this.bytes, this.#tail + 4, length);
    this.#tail += ENTRY_HEADER + length;
    this.count++;
  }

  /** The oldest entry's record type (count > 0). */
  get type(): number {
    return readU32(this.bytes, this.#head);
  }

  /** The oldest entry's payload length (count > 0). */
  get length(): number {
    return readU32(this.bytes, this.#head + 4);
  }

  /** Where the oldest entry's payload is in `bytes` (count > 0). */
  get payload(): number {
    return this.#head + ENTRY_HEADER;
  }

  /** Drops the oldest entry (count > 0). */
  shift(): void {
    this.#head += ENTRY_HEADER + this.length;
    if (--this.count === 0) this.#reset();
  }

  /** Drops every entry. */
  clear(): void {
    this.count = 0;
    this.#reset();
  }

  #reset(): void {
    this.#head = 0;
    this.#tail = 0;
    if (this.bytes.length > KEEP_BYTES) this.#use(new Uint8Array(0));
  }

  #use(bytes: Uint8Array): void {
    this.bytes = bytes;
    this.view = dataViewOf(bytes);
  }
}
