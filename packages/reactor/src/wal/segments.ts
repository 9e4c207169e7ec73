// Segment files: the header (written and checked), creation (temporary name, preallocate,
// header, fsync, rename, fsync the directory: a segment either exists whole or not at all),
// listing, and reading one into memory.
import { constants } from 'node:fs';
import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { IoRing } from '@corelane/uring';
import { crcOf } from './crc.js';
import { preallocate, readRange, syncDir, writeFully } from './io.js';
import {
  parseSegmentName,
  readU64,
  SEGMENT_MAGIC,
  SEGMENT_VERSION,
  SegmentHeader,
  segmentName,
  writeU64,
} from './layout.js';

/** What the WAL knows about one segment file. */
export interface SegmentInfo {
  path: string;
  firstSeq: number;
  /** Offset just past its last good record. */
  end: number;
  /** Sequence number of its last record; `firstSeq - 1` when it holds none. */
  lastSeq: number;
  /** Bytes the file is preallocated to: no record may end past it. */
  size: number;
  /** Its header's torn-tail window (see `layout.ts`). */
  window: number;
  /**
   * End of what open verified record by record (CRC32C included): replay checks only the
   * framing of the records before it, and verifies in full those appended since.
   */
  verifiedEnd: number;
}

/** The 32 header bytes of a segment. */
export function encodeSegmentHeader(firstSeq: number, segmentSize: number, window: number): Uint8Array {
  const bytes = new Uint8Array(SegmentHeader.SIZE);
  const view = new DataView(bytes.buffer);
  view.setUint32(SegmentHeader.MAGIC, SEGMENT_MAGIC, true);
  view.setUint16(SegmentHeader.VERSION, SEGMENT_VERSION, true);
  view.setUint16(SegmentHeader.HEADER_BYTES, SegmentHeader.SIZE, true);
  writeU64(view, SegmentHeader.FIRST_SEQ, firstSeq);
  view.setUint32(SegmentHeader.SEGMENT_SIZE, segmentSize, true);
  view.setUint32(SegmentHeader.TORN_WINDOW, window, true);
  view.setUint32(SegmentHeader.CRC, crcOf(bytes, 0, SegmentHeader.CRC), true);
  return bytes;
}

/** Why a segment header is not the one `firstSeq` names, or null when it is. */
export function checkSegmentHeader(bytes: Uint8Array, view: DataView, length: number, firstSeq: number): string | null {
  if (length < SegmentHeader.SIZE) return `the file holds ${length} bytes, less than a header`;
  if (view.getUint32(SegmentHeader.MAGIC, true) !== SEGMENT_MAGIC) return 'bad magic';
  if (view.getUint32(SegmentHeader.CRC, true) !== crcOf(bytes, 0, SegmentHeader.CRC)) return 'bad header CRC';
  const version = view.getUint16(SegmentHeader.VERSION, true);
  if (version !== SEGMENT_VERSION) return `version ${version}, this build reads ${SEGMENT_VERSION}`;
  if (view.getUint16(SegmentHeader.HEADER_BYTES, true) !== SegmentHeader.SIZE) return 'bad header size';
  const declared = readU64(view, SegmentHeader.FIRST_SEQ);
  if (declared !== firstSeq) return `the header says first seq ${declared}, the name ${firstSeq}`;
  return null;
}

/**
 * Creates the segment whose first record will be `firstSeq`, preallocated to `segmentSize`, and
 * returns its descriptor, open for writing. Crash-safe: until the rename is durable the file has
 * a `.tmp` name, which `listSegments()` removes.
 */
export async function createSegment(
  ring: IoRing,
  dir: string,
  firstSeq: number,
  segmentSize: number,
  window: number,
): Promise<{ fd: number; path: string }> {
  const path = join(dir, segmentName(firstSeq));
  const temp = `${path}.tmp`;
  const fd = await ring.open(temp, constants.O_RDWR | constants.O_CREAT | constants.O_TRUNC, 0o644);
  try {
    await preallocate(ring, fd, segmentSize);
    await writeFully(ring, fd, encodeSegmentHeader(firstSeq, segmentSize, window), 0);
    await ring.fsync(fd);
    await ring.rename(temp, path);
    await syncDir(ring, dir);
  } catch (error) {
    await ring.closeFile(fd).catch(() => {});
    await unlink(temp).catch(() => {});
    throw error;
  }
  return { fd, path };
}

/**
 * Raises the torn-tail window in the header of the segment open as `fd` to `window` (a writer
 * that leaves more bytes unsynced than the one that created it); never lowers it: bytes an
 * earlier writer left unsynced may still be in the page cache. The caller syncs the file
 * before its first write.
 */
export async function widenTornWindow(ring: IoRing, fd: number, segment: SegmentInfo, window: number): Promise<void> {
  if (segment.window >= window) return;
  await writeFully(ring, fd, encodeSegmentHeader(segment.firstSeq, segment.size, window), 0);
  segment.window = window;
}

/** The segments in `dir`, oldest first, after removing leftovers of interrupted creations. */
export async function listSegments(dir: string): Promise<{ path: string; firstSeq: number }[]> {
  const names = await readdir(dir);
  const out: { path: string; firstSeq: number }[] = [];
  for (const name of names) {
    if (name.endsWith('.wal.tmp')) {
      await unlink(join(dir, name));
      continue;
    }
    const firstSeq = parseSegmentName(name);
    if (firstSeq !== null) out.push({ path: join(dir, name), firstSeq });
  }
  return out.sort((a, b) => a.firstSeq - b.firstSeq);
}

/** Memory a segment is read into: a SharedArrayBuffer, so the kernel reads into it in place. */
export class SegmentBuffer {
  bytes: Uint8Array<ArrayBufferLike> = new Uint8Array(0);
  view: DataView<ArrayBufferLike> = new DataView(this.bytes.buffer);

  /** Makes room for `size` bytes (zeroed past what the next read fills is not promised). */
  ensure(size: number): void {
    if (this.bytes.length >= size) return;
    this.bytes = new Uint8Array(new SharedArrayBuffer(size));
    this.view = new DataView(this.bytes.buffer);
  }

  /** Reads the first `length` bytes of `path` (its whole size when omitted); returns how many it got. */
  async read(ring: IoRing, path: string, length?: number): Promise<number> {
    const fd = await ring.open(path, constants.O_RDONLY);
    try {
      const size = length ?? (await ring.statx(fd)).size;
      this.ensure(size);
      return await readRange(ring, fd, this.bytes, 0, size);
    } finally {
      await ring.closeFile(fd);
    }
  }
}
