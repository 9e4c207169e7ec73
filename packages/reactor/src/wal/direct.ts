// Direct group writes: under 'always', a lone group goes to the disk as one O_DIRECT write with
// RWF_DSYNC, on a descriptor of its own, rather than as a buffered RWF_DSYNC write.
//
// Why: a buffered RWF_DSYNC write on ext4 is punted to an io-wq worker (ext4 cannot start a
// buffered write without blocking), which copies into the page cache and then writes the pages
// back and waits; an O_DIRECT overwrite of written blocks is issued from the submitting thread
// straight to the device. Measured on this repo's ext4 disk, interleaved in one process: 8 KiB
// O_DIRECT RWF_DSYNC writes ran about 1.2x the rate of buffered 4112 B RWF_DSYNC writes.
//
// O_DIRECT needs whole pages at page offsets, from memory the device can reach by DMA. So a
// group is staged: the head of its first page (the log's bytes before the group, kept in
// `#tail`), the group's records, zeros to the end of its last page.
//
//   page:     |<------------- 4096 ------------->|<---- ... ---->|
//   staging:  [ tail: log bytes | group's records ..................| zeros ]
//             ^ pageStart       ^ at (the log's end)              ^ end     ^ alignUp(end)
//
// Zeros past `end` are what recovery reads as "no record", and what lies there anyway (zero-ahead,
// or unwritten extents, or a failed group's bytes that the log covers with zeros before going on).
//
// Proof obligation (no acknowledged byte is ever overwritten with other bytes): a staged write
// rewrites [pageStart, at) of the log with `#tail`, a copy of exactly those bytes: taken from
// the disk (a read of the page, coherent with the page cache) or from the last direct write,
// and only used while `#tailEnd === at` (the log's end has not moved since). The WAL uses this
// path only with one group in flight, so no other write of the log's descriptor can touch
// the page between the copy and the write. Zero-ahead never writes below the page after the
// newest write (`ZeroAhead.before()` is given the padded range).
//
// Buffered and direct writes of one file stay coherent: Linux writes back and drops the cached
// pages of a direct write's range before it, so the reads of replay and recovery (buffered) see
// its bytes.
import { constants } from 'node:fs';
import type { IoRing } from '@corelane/uring';
import { eio, writeAndSync, writeFully } from './io.js';
import { SegmentHeader } from './layout.js';

const PAGE = 4096;
/** Offsets tried (in steps of 16) to find where the staging memory starts DMA-aligned. */
const ALIGN_STEP = 16;

function alignDown(n: number): number {
  return n - (n % PAGE);
}

function alignUp(n: number): number {
  return Math.ceil(n / PAGE) * PAGE;
}

function isEinval(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'EINVAL';
}

export class DirectWriter {
  readonly #ring: IoRing;
  /** Staging memory, DMA-aligned at its offset 0: a page, the largest group, a page. */
  readonly #staging: Uint8Array;
  /** The newest segment's O_DIRECT descriptor; -1 when detached. */
  #fd: number;
  /** The log's bytes [alignDown(#tailEnd), #tailEnd) of the newest segment. */
  readonly #tail = new Uint8Array(PAGE);
  /** The log end `#tail` holds the page head of; -1 when it must be read again. */
  #tailEnd = -1;
  /** O_DIRECT refused this memory or file system (EINVAL): detached for good, even after a roll. */
  #refused = false;

  private constructor(ring: IoRing, staging: Uint8Array, fd: number) {
    this.#ring = ring;
    this.#staging = staging;
    this.#fd = fd;
  }

  /**
   * Opens `path` (the newest segment, whose log ends at `end`) for direct writes of groups up to
   * `maxGroupBytes`, or resolves null where the file system or the memory refuses O_DIRECT:
   * the log then writes through the page cache, as without this.
   */
  static async open(ring: IoRing, path: string, end: number, maxGroupBytes: number): Promise<DirectWriter | null> {
    // Allocated before the descriptor exists: a RangeError here leaves nothing open.
    const memory = new Uint8Array(new SharedArrayBuffer(maxGroupBytes + 3 * PAGE));
    const fd = await openDirect(ring, path);
    if (fd < 0) return null;
    // Memory from V8 has no alignment promise: the first offset a direct read accepts is the
    // staging's start. The read is of page 0, the segment header's page: always inside the file
    // and written. A direct read at or past the end of the file, or of an unwritten
    // (preallocated) extent, returns without checking the memory's alignment at all: a probe
    // there would accept a misaligned offset that every later write then fails with EINVAL.
    for (let offset = 0; offset < PAGE; offset += ALIGN_STEP) {
      const staging = memory.subarray(offset, offset + maxGroupBytes + 2 * PAGE);
      let n: number;
      try {
        n = await ring.read(fd, staging.subarray(0, PAGE), 0);
        if (n < SegmentHeader.SIZE) break; // no header there: not a page whose check can be trusted
        // The head of the page the log ends in, which the first write needs (then submitted
        // before its first await, as every later one).
        if (alignDown(end) > 0 && end % PAGE > 0) n = await ring.read(fd, staging.subarray(0, PAGE), alignDown(end));
      } catch (error) {
        if (isEinval(error)) continue;
        break;
      }
      const writer = new DirectWriter(ring, staging, fd);
      if (n >= end % PAGE) writer.#keepTail(staging, alignDown(end), end); // else: read at the first write
      return writer;
    }
    await ring.closeFile(fd).catch(() => {});
    return null;
  }

  /** Whether a group of `length` bytes fits the staging memory (else: write it buffered). */
  fits(length: number): boolean {
    return this.#fd >= 0 && length + 2 * PAGE <= this.#staging.length;
  }

  /** The range a write of `length` bytes at `at` covers: whole pages. */
  static span(at: number, length: number): { from: number; to: number } {
    return { from: alignDown(at), to: alignUp(at + length) };
  }

  /**
   * Writes `bytes` at `at`, the log's end, durably (O_DIRECT, RWF_DSYNC), padded to whole pages
   * with the log's bytes before it and zeros after it. The write is submitted before the first
   * await when the page head is known (the common case); else after a read of it. A short
   * write is completed through `bufferedFd` (same file), then fdatasync'ed there: the rest is
   * written, or fails with the errno that explains the shortfall. Throws the errno of a failure.
   *
   * EINVAL from the direct read or write is O_DIRECT refusing this memory or range (checked
   * before any I/O starts): the writer detaches for good (`fits()` is false from then on) and
   * this group goes through the page cache on `bufferedFd`, as it would have without direct I/O.
   */
  async write(bytes: Uint8Array, at: number, bufferedFd: number): Promise<void> {
    try {
      await this.#writeDirect(bytes, at, bufferedFd);
    } catch (error) {
      if (!isEinval(error) || this.#fd < 0) throw error;
      this.#refused = true;
      await this.close();
      await writeAndSync(this.#ring, bufferedFd, [{ bytes, position: at }], true, true);
    }
  }

  async #writeDirect(bytes: Uint8Array, at: number, bufferedFd: number): Promise<void> {
    const pageStart = alignDown(at);
    const head = at - pageStart;
    const end = at + bytes.length;
    const total = alignUp(end) - pageStart;
    const staging = this.#staging;
    if (this.#tailEnd !== at && head > 0) {
      const n = await this.#ring.read(this.#fd, staging.subarray(0, PAGE), pageStart);
      // A short read leaves part of the head unknown: fail the group rather than guess it.
      if (n < head) throw eio('short read of the page head', 'read');
      this.#keepTail(staging, pageStart, at);
    }
    staging.set(this.#tail.subarray(0, head), 0);
    staging.set(bytes, head);
    staging.fill(0, head + bytes.length, total);
    const batch = this.#ring.batch();
    const written = batch.write(this.#fd, staging.subarray(0, total), pageStart, { dsync: true });
    batch.submit();
    this.#tailEnd = -1; // until it is known what the disk holds
    const n = await written;
    if (n < total) {
      await writeFully(this.#ring, bufferedFd, staging.subarray(n, total), pageStart + n);
      await this.#ring.fsync(bufferedFd, { dataOnly: true });
    }
    this.#keepTail(staging, pageStart, end);
  }

  /**
   * Points the writer at a new newest segment (after a roll); false where it cannot (buffered
   * from then on). Its first write reads the page head it needs.
   */
  async reset(path: string): Promise<boolean> {
    await this.close();
    if (this.#refused) return false;
    const fd = await openDirect(this.#ring, path);
    if (fd < 0) return false;
    this.#fd = fd;
    return true;
  }

  /** Closes the descriptor (idempotent). */
  async close(): Promise<void> {
    const fd = this.#fd;
    this.#fd = -1;
    this.#tailEnd = -1;
    if (fd >= 0) await this.#ring.closeFile(fd).catch(() => {});
  }

  /** Keeps the head of the page the log's `end` lies in, from `page`, which holds the file from `pageStart` on. */
  #keepTail(page: Uint8Array, pageStart: number, end: number): void {
    this.#tail.set(page.subarray(alignDown(end) - pageStart, end - pageStart), 0);
    this.#tailEnd = end;
  }
}

/** An O_DIRECT descriptor of `path`, or -1 where the file system refuses it. */
async function openDirect(ring: IoRing, path: string): Promise<number> {
  if (constants.O_DIRECT === undefined) return -1;
  try {
    return await ring.open(path, constants.O_RDWR | constants.O_DIRECT);
  } catch {
    return -1;
  }
}
