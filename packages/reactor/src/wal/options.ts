import {
  CorelaneRangeError,
  CorelaneTypeError,
  ErrorCode,
  optionalBoolean,
  requireInteger,
  requireOneOf,
  requireOptions,
} from '@corelane/shared';
import type { IoRing } from '@corelane/uring';
import { RecordHeader, SegmentHeader } from './layout.js';

/**
 * When an acknowledged append is on stable storage:
 * - `'always'`: before `append()` resolves (write + fdatasync of its group). Loses nothing.
 * - `'interval'`: within `intervalMs` after it resolved (it resolves once written to the OS); a
 *   power loss or kernel crash can lose the last `intervalMs` of acknowledged appends, a process
 *   crash loses nothing.
 * - `'none'`: whenever the OS writes it back (fdatasync only at segment roll and `close()`); a
 *   power loss or kernel crash can lose any acknowledged append not yet written back, a process
 *   crash loses nothing.
 *
 * Under 'interval' and 'none', an fdatasync that fails while acknowledged appends are unsynced
 * fails the log for good: every later append, sync and close rejects with its error.
 */
export type FsyncPolicy = 'always' | 'interval' | 'none';

/** Options of `Wal.open()`. */
export interface WalOptions {
  /** When an acknowledged append is durable; see {@link FsyncPolicy}. Default `'always'`. */
  fsync?: FsyncPolicy;
  /** With `fsync: 'interval'`: milliseconds between fdatasyncs. Default 100 (1..60000). */
  intervalMs?: number;
  /** Bytes of each segment file, preallocated when it is created. Default 64 MiB (64 KiB..1 GiB, a multiple of 4096). */
  segmentSize?: number;
  /**
   * The most bytes one group commit writes (a larger record goes alone). Also the window in which
   * recovery treats damage as a torn tail rather than corruption. Default 1 MiB (4 KiB..segmentSize/2).
   */
  maxGroupBytes?: number;
  /**
   * Bytes past the newest segment's last record that the log keeps overwritten with zeros, in
   * the background, ahead of the appends. Segments are preallocated with fallocate, which leaves
   * unwritten extents on ext4 and XFS: the first write into each block then changes file-system
   * metadata, and the fdatasync after it must commit the journal. Zeros written ahead move that
   * cost off the group commits, at the price of writing each segment twice. Default 4 MiB under
   * `'always'` (capped at `segmentSize`), 0 (off) under `'interval'` and `'none'`, whose appends
   * do not wait for an fdatasync. 0..segmentSize.
   */
  zeroAheadBytes?: number;
  /**
   * Group commits in flight at once under `'always'`: with 2, the next group's linked write +
   * fdatasync is submitted while the previous group's fdatasync runs. Appends still resolve in
   * sequence order (a group is acknowledged only after every earlier one), a failed group fails
   * every later group in flight with it, and recovery's torn-tail window grows to this many
   * groups (`maxGroupBytes` each). A group of at least 64 records per part that finds nothing
   * in flight is cut in this many parts, so that appenders which all wake together (one group's
   * acknowledgements) spread over the groups. Default 1 (1..8): on the shared 2-core machine
   * it was measured on, 2 was not a clear win (see the docs' benchmarks). More than 1 only with
   * `fsync: 'always'` (the other policies do not wait for an fdatasync per group).
   */
  maxGroupsInFlight?: number;
  /**
   * Under `'always'`, a group that is one write (the common case) goes as one write with
   * RWF_DSYNC, durable when it completes (`@corelane/uring`'s `write(..., { dsync: true })`),
   * rather than a write linked to an fdatasync: the same durability for the group's bytes (its
   * data, and the metadata needed to read it back, are on stable storage before it is
   * acknowledged), one operation in place of two. Measured about 4% more x1 appends per second
   * than the linked pair, interleaved on this machine's ext4 disk. `false`: always the linked
   * write + fdatasync. Default true.
   */
  dsync?: boolean;
  /**
   * Under `'always'` with `dsync` and one group in flight (the defaults), each group goes as one
   * O_DIRECT write with RWF_DSYNC on a descriptor of its own: whole pages (the head of the page
   * the log ends in, kept in memory, then the group's records, then zeros), issued from the
   * submitting thread straight to the device instead of through an io-wq worker and the page
   * cache. The same durability. Measured about 1.2x the rate of buffered 4 KiB RWF_DSYNC writes
   * on this repo's ext4 disk. Where the file system or the memory refuses O_DIRECT, or a group
   * is larger than `maxGroupBytes`, the group is written through the page cache as without it.
   * Default true.
   */
  directIo?: boolean;
  /**
   * Damage before the tail of the log: `'throw'` (default) rejects `Wal.open()` with
   * `ERR_CORELANE_WAL_CORRUPT`; `'truncate'` cuts the log there (dropping every record after it)
   * and reports the cut in `wal.recovery.truncated`.
   */
  onCorrupt?: 'throw' | 'truncate';
  /** The ring to write through (it stays open at `close()`); default: a ring of the WAL's own. */
  ring?: IoRing;
  /**
   * With no `ring`: the backend of the WAL's own ring, made as
   * `new IoRing({ backend, deferTaskrun: false, quietLinks: true })`: a ring that only writes and
   * syncs needs fewer system calls without DEFER_TASKRUN, and with quiet links a group's writes
   * post no completion of their own (its fdatasync's stands for them), so an append wakes the
   * event loop once, not twice. (A WAL never drains, which quiet links forbid.) Default `'auto'`.
   */
  backend?: 'auto' | 'io_uring' | 'threadpool';
}

/** Options after checks and defaults. */
export interface ResolvedWalOptions {
  fsync: FsyncPolicy;
  intervalMs: number;
  segmentSize: number;
  maxGroupBytes: number;
  zeroAheadBytes: number;
  maxGroupsInFlight: number;
  dsync: boolean;
  directIo: boolean;
  onCorrupt: 'throw' | 'truncate';
  ring: IoRing | undefined;
  backend: 'auto' | 'io_uring' | 'threadpool';
  /** The largest payload one record may carry. */
  maxRecordBytes: number;
}

/**
 * How far past a bad record a crash of this writer may have left unsynced bytes in a segment of
 * `segmentSize`: the groups in flight under 'always' (`maxGroupsInFlight` of `maxGroupBytes`:
 * group N+1's bytes may be on disk without group N's), anything since the last fdatasync otherwise.
 */
export function tornWindow(o: ResolvedWalOptions, segmentSize: number): number {
  return o.fsync === 'always' ? Math.min(segmentSize, groupsWindow(o)) : segmentSize;
}

/** The bytes the groups in flight at once can span: recovery's floor for the torn-tail window. */
export function groupsWindow(o: ResolvedWalOptions): number {
  return o.maxGroupBytes * o.maxGroupsInFlight;
}

const MiB = 1024 * 1024;

/** Checks `Wal.open()`'s arguments; throws a typed error before anything is touched. */
export function resolveWalOptions(dir: unknown, options: WalOptions | undefined): ResolvedWalOptions {
  if (typeof dir !== 'string' || dir.length === 0 || dir.includes('\0')) {
    throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, 'dir must be a non-empty path without NUL bytes');
  }
  const o = requireOptions('options', options);
  const fsync = requireOneOf('options.fsync', o.fsync ?? 'always', ['always', 'interval', 'none'] as const);
  const intervalMs = o.intervalMs === undefined ? 100 : requireInteger('options.intervalMs', o.intervalMs, 1, 60_000);
  if (o.intervalMs !== undefined && fsync !== 'interval') {
    throw new CorelaneRangeError(ErrorCode.OUT_OF_RANGE, "options.intervalMs is only for fsync: 'interval'");
  }
  const segmentSize =
    o.segmentSize === undefined
      ? 64 * MiB
      : requireInteger('options.segmentSize', o.segmentSize, 64 * 1024, 1024 * MiB);
  if (segmentSize % 4096 !== 0) {
    throw new CorelaneRangeError(
      ErrorCode.OUT_OF_RANGE,
      `options.segmentSize must be a multiple of 4096, got ${segmentSize}`,
    );
  }
  const maxGroupBytes =
    o.maxGroupBytes === undefined
      ? Math.min(MiB, segmentSize / 2)
      : requireInteger('options.maxGroupBytes', o.maxGroupBytes, 4096, segmentSize / 2);
  const zeroAheadBytes =
    o.zeroAheadBytes === undefined
      ? fsync === 'always'
        ? Math.min(4 * MiB, segmentSize)
        : 0
      : requireInteger('options.zeroAheadBytes', o.zeroAheadBytes, 0, segmentSize);
  const maxGroupsInFlight =
    o.maxGroupsInFlight === undefined ? 1 : requireInteger('options.maxGroupsInFlight', o.maxGroupsInFlight, 1, 8);
  if (maxGroupsInFlight > 1 && fsync !== 'always') {
    throw new CorelaneRangeError(
      ErrorCode.OUT_OF_RANGE,
      "options.maxGroupsInFlight above 1 is only for fsync: 'always'",
    );
  }
  const dsync = optionalBoolean('options.dsync', o.dsync, true);
  const directIo = optionalBoolean('options.directIo', o.directIo, true);
  const onCorrupt = requireOneOf('options.onCorrupt', o.onCorrupt ?? 'throw', ['throw', 'truncate'] as const);
  const backend = requireOneOf('options.backend', o.backend ?? 'auto', ['auto', 'io_uring', 'threadpool'] as const);
  if (o.ring !== undefined && (typeof o.ring !== 'object' || o.ring === null || typeof o.ring.batch !== 'function')) {
    throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, 'options.ring must be an IoRing');
  }
  return {
    fsync,
    intervalMs,
    segmentSize,
    maxGroupBytes,
    zeroAheadBytes,
    maxGroupsInFlight,
    dsync,
    directIo,
    onCorrupt,
    ring: o.ring,
    backend,
    maxRecordBytes: segmentSize - SegmentHeader.SIZE - RecordHeader.SIZE - 8,
  };
}
