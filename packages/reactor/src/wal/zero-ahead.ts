// Zero-ahead: the newest segment's space past its last record is kept overwritten with zeros,
// in the background, a little ahead of the appends.
//
// Why: a segment is preallocated with fallocate, which on ext4 and XFS leaves *unwritten*
// extents. The first write into an unwritten block converts it (an extent-tree change), and the
// fdatasync after that write must then commit the file system's journal, not only flush the
// data: measured on ext4 with 4 KiB write + fdatasync, about 1.5x the latency of the same write
// into space that already holds written zeros. Writing the zeros ahead of time moves those
// conversions, a megabyte at a time, off the group commits. (Recovery needs zeros past the tail
// anyway: they read as "no record", whether written or unwritten.)
//
//   segment:  [hdr | records ........ | zeros written, synced ...... | unwritten (fallocated) ...]
//                                     ^ end (tail)                  ^ zeroedTo      size ^
//                                        <-------- aheadBytes -------->
//
// Proof obligation (no zero ever lands on a record): a zero chunk [from, to) is only started
// with from >= writtenTo, the end of every group write submitted so far on this segment; a group
// write is submitted only after `before()` (which raises writtenTo first, synchronously) has
// waited for any zero chunk in flight that overlaps it. JS runs both on one thread, so there is
// no interleaving between the check and the submit.
//
// Its own file descriptor: Linux reports a failed write-back (EIO) once per open file, to the
// first sync on it that asks. Were the chunks' fdatasyncs on the groups' descriptor, one could
// take the error a group's pages caused, and the group's own sync would then report success.
// On a descriptor of its own, every error is reported on the groups' descriptor as well (each
// open file sees each error once). Opened at `reset()`, closed by `settle()` once the chunk in
// flight completed.
import { constants } from 'node:fs';
import type { IoRing } from '@corelane/uring';
import { writeAndSync } from './io.js';
import type { SegmentInfo } from './segments.js';

const PAGE = 4096;
const MAX_CHUNK = 1024 * 1024;
/** The first chunks of a segment are small: the appends right behind them must not wait long. */
const MIN_CHUNK = 64 * 1024;

let zeros: Uint8Array | null = null;
/** One megabyte of zeros, shared (the kernel reads a SharedArrayBuffer in place); never written to. */
function zeroBytes(): Uint8Array {
  zeros ??= new Uint8Array(new SharedArrayBuffer(MAX_CHUNK));
  return zeros;
}

function alignUp(n: number): number {
  return Math.ceil(n / PAGE) * PAGE;
}

export class ZeroAhead {
  readonly #ring: IoRing;
  readonly #aheadBytes: number;
  #fd = -1;
  #segment: SegmentInfo | null = null;
  /** Everything in [.., zeroedTo) past the tail is known to be written zeros. */
  #zeroedTo = 0;
  /** End of the furthest group write submitted on this segment. */
  #writtenTo = 0;
  /** Paused (a roll or close under way), or stopped for this segment after a failed chunk. */
  #paused = true;
  #chunk: { from: number; to: number; done: Promise<void> } | null = null;
  /** The open of this segment's descriptor, while it runs. */
  #opening: Promise<void> | null = null;

  constructor(ring: IoRing, aheadBytes: number) {
    this.#ring = ring;
    this.#aheadBytes = aheadBytes;
  }

  /**
   * Follows a new newest segment (after `settle()`), whose bytes from `writtenTo` on may be
   * unwritten: opens its own descriptor of `segment.path`, then starts zeroing.
   */
  reset(segment: SegmentInfo, writtenTo: number): void {
    this.#segment = segment;
    this.#zeroedTo = writtenTo;
    this.#writtenTo = writtenTo;
    this.#paused = this.#aheadBytes === 0;
    if (this.#paused) return;
    let opened: Promise<number>;
    try {
      opened = this.#ring.open(segment.path, constants.O_WRONLY);
    } catch {
      this.#paused = true; // a ring closed under the log throws at once: no zeroing then
      return;
    }
    this.#opening = opened.then(
      (fd) => {
        this.#opening = null;
        this.#fd = fd; // settle() closes it, also when it was already called (paused)
        this.advance();
      },
      () => {
        // Zeroing is an optimisation: without a descriptor it stays off for this segment.
        this.#opening = null;
        this.#paused = true;
      },
    );
  }

  /**
   * A write of [from, to) on the newest segment is about to be submitted: reserves the range and
   * returns what to await first (a zero chunk in flight over it), or null to submit at once.
   */
  before(from: number, to: number): Promise<void> | null {
    if (to > this.#writtenTo) this.#writtenTo = to; // first: no chunk may start below it from now on
    const chunk = this.#chunk;
    if (chunk === null || chunk.to <= from || chunk.from >= to) return null;
    return chunk.done;
  }

  /** Starts the next zero chunk when the zeros reach less than `aheadBytes` past the tail. */
  advance(): void {
    const segment = this.#segment;
    if (this.#paused || this.#chunk !== null || segment === null || this.#fd < 0) return;
    const goal = Math.min(segment.size, segment.end + this.#aheadBytes);
    const from = alignUp(Math.max(this.#zeroedTo, this.#writtenTo));
    if (from >= goal) return;
    const size = Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, from - segment.end));
    const to = Math.min(segment.size, from + size);
    const fd = this.#fd;
    const done = writeAndSync(
      this.#ring,
      fd,
      [{ bytes: zeroBytes().subarray(0, to - from), position: from }],
      true,
    ).then(
      () => {
        if (this.#segment === segment) this.#zeroedTo = to;
      },
      () => {
        // ENOSPC, EIO, a ring closed under it: zeroing is an optimisation; stop it for this
        // segment and let the appends meet (and report) whatever the disk says.
        if (this.#segment === segment) this.#paused = true;
      },
    );
    this.#chunk = { from, to, done };
    void done.then(() => {
      this.#chunk = null;
      this.advance();
    });
  }

  /**
   * Stops starting chunks (until the next `reset()`), waits for the one in flight, if any, and
   * closes this segment's descriptor.
   */
  async settle(): Promise<void> {
    this.#paused = true;
    while (this.#opening !== null) await this.#opening;
    while (this.#chunk !== null) await this.#chunk.done;
    const fd = this.#fd;
    if (fd < 0) return;
    this.#fd = -1;
    try {
      await this.#ring.closeFile(fd); // a ring closed under the log throws at once
    } catch {}
  }
}
