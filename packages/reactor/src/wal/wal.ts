import { constants } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import {
  CorelaneError,
  CorelaneRangeError,
  CorelaneTypeError,
  ErrorCode,
  requireInteger,
  requireOptions,
} from '@corelane/shared';
import { type Backend, IoRing } from '@corelane/uring';
import { DirLock } from './dir-lock.js';
import { WalCorruptError, walIoError } from './errors.js';
import { Group } from './group.js';
import { syncDir, type WriteChunk, writeAndSync, writeFully } from './io.js';
import { recordSpan, SegmentHeader } from './layout.js';
import { type ResolvedWalOptions, resolveWalOptions, tornWindow, type WalOptions } from './options.js';
import { recover, type WalRecovery } from './recovery.js';
import { ReplayBuffer, replaySegment } from './replay.js';
import { createSegment, type SegmentInfo, widenTornWindow } from './segments.js';
import { ZeroAhead } from './zero-ahead.js';

/** One record as `replay()` hands it over. */
export interface WalRecord {
  /** Its sequence number: 1 for the first record a log ever took, then one more each time. */
  readonly seq: number;
  /**
   * Its payload: a view into the replay's read buffer, valid only during the callback (the
   * buffer is reused for the records after it). Copy it (`Uint8Array.from(data)`) to keep it.
   */
  readonly data: Uint8Array;
}

/** Options of `wal.replay()`. */
export interface ReplayOptions {
  /** The first sequence number to hand over; earlier records are verified and skipped. Default 0 (all). */
  from?: number;
}

/** What `wal.replay()` did. */
export interface ReplayResult {
  /** Records handed to the callback. */
  records: number;
  /** Their payload bytes. */
  bytes: number;
  /** Bytes of torn tail recovery cut at `Wal.open()` (never replayed). */
  tornBytes: number;
}

interface SyncWaiter {
  /** Every group queued up to this index must be durable. */
  target: number;
  resolve(): void;
  reject(error: unknown): void;
}

/** Whether an error is an fsync's or fdatasync's (as `@corelane/uring` names the call). */
function isSyncFailure(cause: unknown): boolean {
  const syscall = (cause as { syscall?: unknown } | null)?.syscall;
  return syscall === 'fdatasync' || syscall === 'fsync';
}

/** The groups kept for reuse: one being filled while another is written is the steady state. */
const FREE_GROUPS = 2;

/**
 * A write-ahead log in a directory of preallocated segment files, written through
 * `@corelane/uring` (io_uring, or its thread-pool fallback) with group commit: appends that
 * arrive while a group's write + fdatasync is in flight form the next group, one write and one
 * fdatasync each. `append()` resolves with the record's sequence number once it is durable
 * under the fsync policy. Open it with `Wal.open()`; one `Wal` per directory (locked while it is
 * open: a second open rejects with `ERR_CORELANE_WAL_LOCKED`), used on one thread.
 */
export class Wal {
  readonly #dir: string;
  readonly #o: ResolvedWalOptions;
  readonly #ring: IoRing;
  readonly #ownsRing: boolean;
  readonly #segments: SegmentInfo[];
  readonly #recovery: WalRecovery;
  /** This Wal's hold on its directory: no other Wal opens it until close(). */
  readonly #lock: DirLock;
  /** Keeps zeros written ahead of the appends in the newest segment (see `zero-ahead.ts`). */
  readonly #zero: ZeroAhead;
  /** The newest segment's descriptor: the one groups are written to. */
  #fd: number;
  #nextSeq: number;
  /**
   * End of bytes past the newest segment's last good record that a failed group may have left
   * (0 when none): the next write covers them with zeros, so nothing stale can ever follow a
   * record that recovery would accept.
   */
  #dirtyEnd = 0;
  /**
   * A roll failed: the next segment's file may exist already (renamed before the failure), so
   * nothing more may go into this one; the next group rolls first.
   */
  #mustRoll = false;
  #filling: Group | null = null;
  readonly #ready: Group[] = [];
  readonly #free: Group[] = [];
  #groupsQueued = 0;
  #groupsDone = 0;
  /** Every group up to this index is durable (or failed and was rejected). */
  #syncedThrough = 0;
  /** Groups were written since the last fdatasync. */
  #unsynced = false;
  /** The interval timer asks for an fdatasync. */
  #syncDue = false;
  #inFlight = false;
  #pumpScheduled = false;
  #waiters: SyncWaiter[] = [];
  readonly #timer: NodeJS.Timeout | undefined;
  #closing = false;
  #closed: Promise<void> | undefined;
  /**
   * Set when an fdatasync failed while acknowledged appends were unsynced ('interval', 'none'):
   * the kernel may have dropped their pages, and a later fdatasync would succeed regardless
   * (Linux reports a writeback error once). From then on every append, sync and close rejects
   * with it; reopening the log lets recovery say what is on disk.
   */
  #failure: CorelaneError | null = null;

  private constructor(
    dir: string,
    o: ResolvedWalOptions,
    ring: IoRing,
    segments: SegmentInfo[],
    recovery: WalRecovery,
    lock: DirLock,
    fd: number,
    nextSeq: number,
  ) {
    this.#dir = dir;
    this.#o = o;
    this.#ring = ring;
    this.#ownsRing = o.ring === undefined;
    this.#segments = segments;
    this.#recovery = recovery;
    this.#lock = lock;
    this.#fd = fd;
    this.#nextSeq = nextSeq;
    this.#zero = new ZeroAhead(ring, o.zeroAheadBytes);
    const newest = segments.at(-1) as SegmentInfo;
    this.#zero.reset(fd, newest, newest.end);
    if (o.fsync === 'interval') {
      this.#timer = setInterval(() => {
        if (!this.#unsynced || this.#failure !== null) return;
        this.#syncDue = true;
        this.#schedule();
      }, o.intervalMs);
      this.#timer.unref();
    }
  }

  /**
   * Opens the log in `dir` (created when missing) and recovers it: every record is verified;
   * a torn tail in the newest segment is cut and reported in `recovery.tornBytes`; damage before
   * the tail rejects with `ERR_CORELANE_WAL_CORRUPT` (a `WalCorruptError` with `file` and
   * `offset`) unless `onCorrupt: 'truncate'`. One `Wal` per directory: while one is open (in
   * this process, any thread, or another process), `open()` rejects with
   * `ERR_CORELANE_WAL_LOCKED` before touching anything; the lock goes with `close()` and with
   * the process, however it ends.
   */
  static async open(dir: string, options?: WalOptions): Promise<Wal> {
    const o = resolveWalOptions(dir, options);
    const path = resolvePath(dir);
    await mkdir(path, { recursive: true });
    const lock = await DirLock.acquire(path);
    let ring: IoRing;
    try {
      ring = o.ring ?? new IoRing({ backend: o.backend });
    } catch (error) {
      await lock.release();
      throw error;
    }
    try {
      const { segments, report, nextSeq } = await recover(ring, path, o);
      let fd: number;
      const last = segments.at(-1);
      if (last === undefined) {
        const window = tornWindow(o, o.segmentSize);
        const created = await createSegment(ring, path, nextSeq, o.segmentSize, window);
        fd = created.fd;
        segments.push({
          path: created.path,
          firstSeq: nextSeq,
          end: SegmentHeader.SIZE,
          lastSeq: nextSeq - 1,
          size: o.segmentSize,
          window,
          verifiedEnd: SegmentHeader.SIZE,
        });
        report.segments = 1;
      } else {
        fd = await ring.open(last.path, constants.O_RDWR);
        try {
          await widenTornWindow(ring, fd, last, tornWindow(o, last.size));
          // What recovery found may sit only in the page cache (a writer killed between its
          // write and its fdatasync): durable before anyone replays and acts on it.
          await ring.fsync(fd, { dataOnly: true });
        } catch (error) {
          await ring.closeFile(fd).catch(() => {});
          throw error;
        }
      }
      return new Wal(path, o, ring, segments, report, lock, fd, nextSeq);
    } catch (error) {
      if (o.ring === undefined) ring.close();
      await lock.release();
      throw error;
    }
  }

  /** What recovery found when the log was opened. */
  get recovery(): WalRecovery {
    return { ...this.#recovery, truncated: this.#recovery.truncated === null ? null : { ...this.#recovery.truncated } };
  }

  /** Sequence number of the last record in the log (acknowledged, or recovered at open); 0 when empty. */
  get lastSeq(): number {
    return this.#nextSeq - 1;
  }

  /** Sequence number of the oldest record the log still holds (`lastSeq + 1` when it holds none). */
  get firstSeq(): number {
    return (this.#segments[0] as SegmentInfo).firstSeq;
  }

  /** The backend the log writes through: `'io_uring'` or `'threadpool'`. */
  get backend(): Backend {
    return this.#ring.backend;
  }

  /** The directory of the log (absolute). */
  get dir(): string {
    return this.#dir;
  }

  /** Segment files in the log now. */
  get segments(): number {
    return this.#segments.length;
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.#closing;
  }

  /**
   * Appends one record. `data` is copied at once (reuse it freely). Resolves with the record's
   * sequence number once it is durable under the fsync policy; rejects with a typed error
   * carrying `errno` (`ERR_CORELANE_SYSTEM`: ENOSPC, EFBIG, EIO…) when its group could not be
   * written, in which case the record is not in the log and its number goes to the next one;
   * and, for good, with the error of an fdatasync that failed while acknowledged appends were
   * unsynced ('interval', 'none').
   * Throws `ERR_CORELANE_RECORD_TOO_LARGE` beyond the segment's room, `ERR_CORELANE_CLOSED`
   * after `close()`.
   */
  append(data: Uint8Array): Promise<number> {
    if (!(data instanceof Uint8Array)) {
      throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, 'data must be a Uint8Array (or a Buffer)');
    }
    if (this.#closing) throw new CorelaneError(ErrorCode.CLOSED, 'the WAL was closed');
    if (data.length > this.#o.maxRecordBytes) {
      throw new CorelaneRangeError(
        ErrorCode.RECORD_TOO_LARGE,
        `a record may hold at most ${this.#o.maxRecordBytes} bytes (segmentSize ${this.#o.segmentSize}), got ${data.length}`,
      );
    }
    if (this.#failure !== null) return Promise.reject(this.#failure);
    return new Promise<number>((resolve, reject) => {
      let group = this.#filling;
      if (group !== null && !group.fits(data.length)) {
        this.#queue(group);
        group = null;
      }
      if (group === null) {
        group = this.#takeGroup(recordSpan(data.length));
        this.#filling = group;
      }
      group.add(data, resolve, reject);
      this.#schedule();
    });
  }

  /**
   * Resolves once every append made before the call is on stable storage, whatever the policy
   * (an fdatasync when something is unsynced). Rejects when the last of those groups failed.
   */
  sync(): Promise<void> {
    if (this.#closing) return Promise.reject(new CorelaneError(ErrorCode.CLOSED, 'the WAL was closed'));
    if (this.#failure !== null) return Promise.reject(this.#failure);
    return this.#syncAll();
  }

  /**
   * Reads the log from the start (or from `options.from`) and calls `onRecord` for every record
   * in order. Records open verified have their framing (length, sequence) checked again; those
   * appended since are verified in full (CRC32C too). Covers the records acknowledged before
   * the call. Rejects with `ERR_CORELANE_WAL_CORRUPT` where a record fails.
   */
  async replay(onRecord: (record: WalRecord) => void, options?: ReplayOptions): Promise<ReplayResult> {
    if (typeof onRecord !== 'function') {
      throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, 'onRecord must be a function');
    }
    const o = requireOptions('options', options);
    const from = o.from === undefined ? 0 : requireInteger('options.from', o.from, 0, Number.MAX_SAFE_INTEGER);
    if (this.#closing) throw new CorelaneError(ErrorCode.CLOSED, 'the WAL was closed');
    const segments = this.#segments.map((s) => ({ ...s })); // the ends as of now
    const buffer = new ReplayBuffer();
    let records = 0;
    let bytes = 0;
    const emit = (seq: number, start: number, size: number): void => {
      if (seq < from) return;
      onRecord({ seq, data: new Uint8Array(buffer.bytes.buffer, start, size) });
      records++;
      bytes += size;
    };
    for (const s of segments) {
      if (s.lastSeq < from || s.lastSeq < s.firstSeq) continue;
      const scan = await replaySegment(this.#ring, s, buffer, emit);
      if (scan.nextSeq - 1 < s.lastSeq) {
        throw new WalCorruptError(
          s.path,
          scan.end,
          scan.stop === 'end' ? 'short' : scan.stop,
          `replay found ${scan.nextSeq - s.firstSeq} records, ${s.lastSeq - s.firstSeq + 1} were verified at open`,
        );
      }
    }
    return { records, bytes, tornBytes: this.#recovery.tornBytes };
  }

  /**
   * Removes the segment files whose every record is numbered below `seq` (never the newest
   * segment); resolves with how many went, after the directory is synced. Call it once the
   * records below `seq` are covered elsewhere (a checkpoint). Not while a `replay()` runs.
   */
  async truncateBefore(seq: number): Promise<number> {
    requireInteger('seq', seq, 0, Number.MAX_SAFE_INTEGER);
    if (this.#closing) throw new CorelaneError(ErrorCode.CLOSED, 'the WAL was closed');
    const gone: string[] = [];
    while (this.#segments.length > 1 && (this.#segments[1] as SegmentInfo).firstSeq <= seq) {
      gone.push((this.#segments.shift() as SegmentInfo).path);
    }
    for (const path of gone) await this.#ring.unlink(path);
    if (gone.length > 0) await syncDir(this.#ring, this.#dir);
    return gone.length;
  }

  /**
   * Writes and syncs what is pending, closes the files and (unless it was given one) the ring.
   * Appends after it throw `ERR_CORELANE_CLOSED`. Idempotent.
   */
  close(): Promise<void> {
    if (this.#closed !== undefined) return this.#closed;
    this.#closing = true;
    this.#closed = (async () => {
      let failure: unknown;
      try {
        await this.#syncAll();
      } catch {
        // A group that failed was rejected to its appenders; what matters here is that every
        // acknowledged append is synced, so only a last fdatasync's failure is reported.
        if (this.#failure === null && this.#unsynced) {
          await this.#ring.fsync(this.#fd, { dataOnly: true }).catch((e: unknown) => (failure = e));
        }
      }
      failure ??= this.#failure ?? undefined;
      clearInterval(this.#timer);
      await this.#scrub().catch((e: unknown) => (failure ??= e));
      await this.#zero.settle();
      await this.#ring.closeFile(this.#fd).catch(() => {});
      if (this.#ownsRing) this.#ring.close();
      await this.#lock.release();
      if (failure !== undefined) throw walIoError(failure, 'WAL close');
    })();
    return this.#closed;
  }

  #syncAll(): Promise<void> {
    const filling = this.#filling;
    if (filling !== null && filling.entries.length > 0) this.#queue(filling);
    const target = this.#groupsQueued;
    if (target <= this.#syncedThrough && !this.#unsynced) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.#waiters.push({ target, resolve, reject });
      this.#schedule();
    });
  }

  #takeGroup(span: number): Group {
    if (span > this.#o.maxGroupBytes) return new Group(span); // a record larger than a group goes alone
    return this.#free.pop() ?? new Group(this.#o.maxGroupBytes);
  }

  #recycle(group: Group): void {
    if (group.capacity !== this.#o.maxGroupBytes || this.#free.length >= FREE_GROUPS) return;
    group.reset();
    this.#free.push(group);
  }

  #queue(group: Group): void {
    if (this.#filling === group) this.#filling = null;
    group.index = ++this.#groupsQueued;
    this.#ready.push(group);
  }

  /**
   * Starts the next group at the end of this turn of the event loop (setImmediate): appends made
   * by the continuations of the group that just completed, however many promise hops away, join
   * it rather than trail it. Nothing is scheduled while a group is in flight: its completion
   * schedules the next.
   */
  #schedule(): void {
    if (this.#inFlight || this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    setImmediate(() => {
      this.#pumpScheduled = false;
      this.#pump();
    });
  }

  /**
   * Takes the next group (or a pending fdatasync) to the kernel. Invariant: at most one group is
   * in flight, so group k+1 is written only once group k's write (and fdatasync) completed. A
   * crash can therefore tear only the last group, which is what recovery's torn-tail window
   * (`maxGroupBytes`) relies on, and acknowledgements go out in sequence order.
   */
  #pump(): void {
    if (this.#inFlight) return;
    let group = this.#ready.shift() ?? null;
    if (group === null && this.#filling !== null && this.#filling.entries.length > 0) {
      group = this.#filling;
      this.#queue(group);
      this.#ready.pop();
    }
    const through = group?.index ?? this.#groupsDone;
    const sync = this.#o.fsync === 'always' || this.#syncDue || this.#waiters.some((w) => w.target <= through);
    if (group === null) {
      if (!sync) return;
      if (!this.#unsynced) {
        this.#syncDue = false;
        this.#syncedThrough = this.#groupsDone;
        this.#settleWaiters(null);
        return;
      }
    }
    if (sync) this.#syncDue = false;
    this.#inFlight = true;
    this.#commit(group, sync).finally(() => {
      this.#inFlight = false;
      this.#schedule();
    });
  }

  /** One group commit: (roll if full,) number, write + fdatasync, acknowledge or reject. Never throws. */
  async #commit(group: Group | null, sync: boolean): Promise<void> {
    let written = false;
    const hadUnsynced = this.#unsynced;
    try {
      if (this.#failure !== null) throw this.#failure;
      if (group === null) {
        await this.#ring.fsync(this.#fd, { dataOnly: true });
      } else {
        let active = this.#segments.at(-1) as SegmentInfo;
        if (this.#mustRoll || active.end + group.used > active.size) {
          this.#mustRoll = true;
          await this.#roll();
          this.#mustRoll = false;
          active = this.#segments.at(-1) as SegmentInfo;
        }
        const first = this.#nextSeq;
        const next = group.seal(first);
        const at = active.end;
        const chunks: WriteChunk[] = [{ bytes: group.bytes.subarray(0, group.used), position: at }];
        if (this.#dirtyEnd > at + group.used) {
          chunks.push({ bytes: new Uint8Array(this.#dirtyEnd - at - group.used), position: at + group.used });
        }
        const overlap = this.#zero.before(at, Math.max(at + group.used, this.#dirtyEnd));
        if (overlap !== null) await overlap;
        written = true;
        await writeAndSync(this.#ring, this.#fd, chunks, sync);
        active.end = at + group.used;
        active.lastSeq = next - 1;
        this.#nextSeq = next;
        this.#dirtyEnd = 0;
        this.#groupsDone = group.index;
        if (!sync) this.#unsynced = true;
        this.#zero.advance();
        group.resolveAll(first);
      }
      if (sync) {
        this.#unsynced = false;
        this.#syncedThrough = this.#groupsDone;
      }
      this.#settleWaiters(null);
    } catch (cause) {
      const error = walIoError(cause, 'WAL group commit');
      this.#noteSyncFailure(cause, error, hadUnsynced);
      if (group !== null) {
        const active = this.#segments.at(-1) as SegmentInfo;
        if (written) {
          this.#dirtyEnd = Math.max(this.#dirtyEnd, active.end + group.used);
          // Before the rejection goes out: a rejected append must not be found by the recovery
          // after a crash, nor after a close() with no later write over its bytes.
          await this.#scrub().catch((e: unknown) => this.#noteSyncFailure(e, null, this.#unsynced));
        }
        this.#groupsDone = group.index;
        group.rejectAll(error);
      }
      this.#settleWaiters(error);
    } finally {
      if (group !== null) this.#recycle(group);
    }
  }

  /** Fails the log for good when an fdatasync failed while acknowledged appends were unsynced. */
  #noteSyncFailure(cause: unknown, error: CorelaneError | null, unsynced: boolean): void {
    if (unsynced && isSyncFailure(cause)) this.#failure ??= error ?? walIoError(cause, 'WAL fdatasync');
  }

  /**
   * Overwrites with zeros, and syncs, the bytes failed groups left past the newest segment's last
   * good record. Throws when that failed; the bytes then stay marked and the next write covers them.
   */
  async #scrub(): Promise<void> {
    const active = this.#segments.at(-1) as SegmentInfo;
    if (this.#dirtyEnd <= active.end) return;
    await writeFully(this.#ring, this.#fd, new Uint8Array(this.#dirtyEnd - active.end), active.end);
    await this.#ring.fsync(this.#fd, { dataOnly: true });
    this.#dirtyEnd = 0;
  }

  /**
   * Seals the newest segment (zeros over what a failed group left, fdatasync: every record in
   * it is durable before the next segment exists) and creates the next one.
   */
  async #roll(): Promise<void> {
    await this.#zero.settle(); // its chunk writes to the segment being sealed
    const active = this.#segments.at(-1) as SegmentInfo;
    if (this.#dirtyEnd > active.end) {
      await writeFully(this.#ring, this.#fd, new Uint8Array(this.#dirtyEnd - active.end), active.end);
    }
    await this.#ring.fsync(this.#fd, { dataOnly: true });
    this.#dirtyEnd = 0;
    this.#unsynced = false;
    this.#syncedThrough = this.#groupsDone;
    const window = tornWindow(this.#o, this.#o.segmentSize);
    const created = await createSegment(this.#ring, this.#dir, this.#nextSeq, this.#o.segmentSize, window);
    const previous = this.#fd;
    this.#fd = created.fd;
    const segment: SegmentInfo = {
      path: created.path,
      firstSeq: this.#nextSeq,
      end: SegmentHeader.SIZE,
      lastSeq: this.#nextSeq - 1,
      size: this.#o.segmentSize,
      window,
      verifiedEnd: SegmentHeader.SIZE,
    };
    this.#segments.push(segment);
    this.#zero.reset(created.fd, segment, SegmentHeader.SIZE);
    await this.#ring.closeFile(previous);
  }

  /** Resolves the waiters whose groups are all durable; with an error, rejects those whose groups are done. */
  #settleWaiters(error: unknown): void {
    if (this.#waiters.length === 0) return;
    const limit = error === null ? this.#syncedThrough : this.#groupsDone;
    const keep: SyncWaiter[] = [];
    for (const w of this.#waiters) {
      if (w.target > limit) keep.push(w);
      else if (error === null) w.resolve();
      else w.reject(error);
    }
    this.#waiters = keep;
  }
}
