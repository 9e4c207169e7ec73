// Recovery on `Wal.open()`: every record of every segment is verified, in order.
//
// - Sealed segments (all but the newest) were fdatasync'ed before the next one was created, so
//   whatever ends one's records early shows as a gap: the next segment's first seq must be the
//   next number, or the log is corrupt at the offset where the sealed segment's records stopped.
// - The newest segment ends at its first bad record (short, CRC, sequence). What lies after it
//   is a torn tail when it can belong to what was unsynced at the crash: no good record numbered
//   after the cut starts a torn-tail window or more past it (the header's window: one group's
//   `maxGroupBytes` times `maxGroupsInFlight` under 'always', the whole segment under 'interval' and 'none', where many
//   groups wait for one fdatasync and a power loss keeps any subset of their pages). The tail is cut (the file truncated there and preallocated again, so it reads as
//   zeros) and counted in `tornBytes`; it is never replayed. A good record further on proves the
//   damage hit data written before the last group: `ERR_CORELANE_WAL_CORRUPT`, unless the
//   caller chose `onCorrupt: 'truncate'`.
import { constants } from 'node:fs';
import { unlink } from 'node:fs/promises';
import type { IoRing } from '@corelane/uring';
import { type DamageReason, WalCorruptError } from './errors.js';
import { cutAndPreallocate, syncDir } from './io.js';
import { SegmentHeader } from './layout.js';
import { groupsWindow, type ResolvedWalOptions } from './options.js';
import { dataEnd, findLaterRecord, scanRecords } from './scan.js';
import { checkSegmentHeader, listSegments, SegmentBuffer, type SegmentInfo } from './segments.js';

/** What recovery found and did, as `wal.recovery` reports it. */
export interface WalRecovery {
  /** Segment files kept. */
  segments: number;
  /** Good records in them. */
  records: number;
  /**
   * Bytes of the torn tail cut from the newest segment, up to its last non-zero byte (written
   * zeros cannot be told from preallocated ones); 0 after a clean shutdown.
   */
  tornBytes: number;
  /** Sequence number of the last good record (0 for an empty log). */
  lastSeq: number;
  /** With `onCorrupt: 'truncate'`: where the log was cut because of damage before its tail. */
  truncated: { file: string; offset: number; reason: DamageReason; droppedSegments: number } | null;
}

interface Damage {
  file: string;
  offset: number;
  reason: DamageReason;
  detail: string;
  /** Index of the segment cut at `offset`; the ones after it are dropped. */
  index: number;
}

/** Verifies the log in `dir` and cuts its torn tail; returns the segments to keep and the report. */
export async function recover(
  ring: IoRing,
  dir: string,
  options: ResolvedWalOptions,
): Promise<{ segments: SegmentInfo[]; report: WalRecovery; nextSeq: number }> {
  const files = await listSegments(dir);
  const segments: SegmentInfo[] = [];
  const report: WalRecovery = { segments: 0, records: 0, tornBytes: 0, lastSeq: 0, truncated: null };
  const buffer = new SegmentBuffer();
  let expected = files[0]?.firstSeq ?? 1;
  let damage: Damage | null = null;
  let previousStop: DamageReason | 'end' = 'end';

  for (let i = 0; i < files.length && damage === null; i++) {
    const { path, firstSeq } = files[i] as { path: string; firstSeq: number };
    const newest = i === files.length - 1;
    if (firstSeq !== expected) {
      const previous = segments[i - 1] as SegmentInfo;
      damage = {
        file: previous.path,
        offset: previous.end,
        reason: previousStop === 'end' ? 'sequence' : previousStop,
        detail: `its records stop at seq ${expected - 1}, the next segment starts at ${firstSeq}`,
        index: i - 1,
      };
      break;
    }
    const length = await buffer.read(ring, path);
    const { bytes, view } = buffer;
    const why = checkSegmentHeader(bytes, view, length, firstSeq);
    if (why !== null) {
      damage = { file: path, offset: 0, reason: 'header', detail: why, index: i };
      break;
    }
    const scan = scanRecords(bytes, view, SegmentHeader.SIZE, length, firstSeq);
    const size = Math.max(length, view.getUint32(SegmentHeader.SEGMENT_SIZE, true));
    const headerWindow = view.getUint32(SegmentHeader.TORN_WINDOW, true);
    const verifiedEnd = scan.end;
    segments.push({
      path,
      firstSeq,
      end: scan.end,
      lastSeq: scan.nextSeq - 1,
      size,
      window: headerWindow,
      verifiedEnd,
    });
    report.records += scan.records;
    expected = scan.nextSeq;
    previousStop = scan.stop;
    if (!newest) continue;
    const written = Math.max(scan.end, dataEnd(bytes, scan.end, length));
    if (written === scan.end) {
      // A clean end: zeros after the last record. A file shorter than its segment (cut by hand)
      // is preallocated again.
      if (length < size) await cut(ring, path, scan.end, size);
      break;
    }
    // The window is the larger of the writers' (in the header) and what today's groups in
    // flight span. With two groups in flight a crash can leave group N+1 whole after a torn (or
    // never written) group N: its good records lie within the window and are cut with the tail,
    // never replayed — the sequence check already stopped the scan at N's first bad record.
    const window = Math.max(groupsWindow(options), headerWindow);
    const later = findLaterRecord(bytes, view, scan.end + window, written, scan.nextSeq - 1);
    if (later >= 0) {
      damage = {
        file: path,
        offset: scan.end,
        reason: scan.stop === 'end' ? 'sequence' : scan.stop,
        detail: `a good record (offset ${later}) lies beyond the last group's reach`,
        index: i,
      };
      break;
    }
    report.tornBytes = written - scan.end;
    await cut(ring, path, scan.end, size);
  }

  if (damage !== null) {
    if (options.onCorrupt === 'throw') {
      throw new WalCorruptError(damage.file, damage.offset, damage.reason, damage.detail);
    }
    const dropped = files.slice(damage.index + 1);
    for (const { path } of dropped) await unlink(path);
    const kept = segments.slice(0, damage.index + 1);
    const at = kept[damage.index];
    if (damage.reason === 'header' || at === undefined) {
      // A segment whose header is bad holds nothing we can trust: it goes too.
      await unlink(damage.file);
    } else {
      await cut(ring, at.path, damage.offset, at.size);
      at.end = damage.offset;
    }
    await syncDir(ring, dir);
    segments.length = 0;
    segments.push(...kept); // a segment with a bad header was never added
    report.records = segments.reduce((n, s) => n + s.lastSeq - s.firstSeq + 1, 0);
    report.truncated = {
      file: damage.file,
      offset: damage.offset,
      reason: damage.reason,
      droppedSegments: dropped.length + (damage.reason === 'header' ? 1 : 0),
    };
  }
  report.segments = segments.length;
  const last = segments.at(-1);
  const nextSeq = last === undefined ? (files[0]?.firstSeq ?? 1) : last.lastSeq + 1;
  report.lastSeq = nextSeq - 1;
  return { segments, report, nextSeq };
}

/** Cuts a segment at `offset`: truncated there, then preallocated to `length` again (zeros). */
async function cut(ring: IoRing, path: string, offset: number, length: number): Promise<void> {
  const fd = await ring.open(path, constants.O_RDWR);
  try {
    await cutAndPreallocate(ring, fd, offset, length);
  } finally {
    await ring.closeFile(fd);
  }
}
