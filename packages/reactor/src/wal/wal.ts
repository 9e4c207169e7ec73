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
import { DirectWriter } from './direct.js';
import { WalCorruptError, walIoError } from './errors.js';
import { Group } from './group.js';
import { syncDir, type WriteChunk, writeAndSync, writeFully } from './io.js';
import { recordSpan, SegmentHeader } from './layout.js';
import { type ResolvedWalOptions, resolveWalOptions, tornWindow, type WalOptions } from './options.js';
import { recover, type WalRecovery } from './recovery.js';
import { ReplayBuffer, ReplayedRecord, replaySegment } from './replay.js';
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

/** Whether `ring` honours `write(..., { dsync: true })` (an IoRing of an older `@corelane/uring` would not). */
function dsyncWrites(ring: IoRing): boolean {
  return (ring as { readonly dsyncWrites?: unknown }).dsyncWrites === true;
}

/** The groups kept for reuse beyond those in flight: one being filled is the steady state. */
const FREE_GROUPS = 2;

/**
 * A group is cut in `maxGroupsInFlight` parts only when each part gets at least this many
 * records: cutting small groups buys an fdatasync more per append for little overlap (measured
 * neutral to worse at 16 and 64 appenders in flight, better at 256).
 */
const SPLIT_MIN = 64;

/** How a flight's I/O ended: `DONE`, or the cause of its failure. */
type Outcome = typeof DONE | { cause: unknown };
const DONE = Object.freeze({ done: true as const });
/** A flight's `done` for the instant between its creation and its submission's start. */
const NOT_STARTED: Promise<Outcome> = new Promise(() => {});

/**
 * One group commit (or a bare fdatasync, `group` null) between its start and its settlement.
 *
 *   newest segment: [ ... acknowledged | flight 1: at .. end | flight 2: at .. end | free ... ]
 *                                      ^ active.end                              ^ #writeEnd
 */
interface Flight {
  group: Group | null;
  /** Its chain ends with an fdatasync. */
  sync: boolean;
  /** Seq of its first record; seq after its last. */
  first: number;
  next: number;
  /** Its range in the newest segment: records, then zeros over what a failed group left. */
  at: number;
  end: number;
  /** Its write was (or may have been) submitted: its range may hold its bytes. */
  written: boolean;
  /** Acknowledged appends were unsynced when it started ('interval', 'none'). */
  hadUnsynced: boolean;
  /** Its I/O's outcome; never rejects. */
  done: Promise<Outcome>;
}

/**
 * A write-ahead log in a directory of preallocated segment files, written through
 * `@corelane/uring` (io_uring, or its thread-pool fallback) with group commit: appends that
 * arrive while a group's write + fdatasync is in flight form the next group, one write and one
 * fdatasync each, and under 'always' up to `maxGroupsInFlight` groups in flight at once
 * (acknowledged in sequence order). `append()` resolves with the record's sequence number once it is durable
 * under the fsync policy. Open it with `Wal.open()`; one `Wal` per directory (locked while it is
 * open: a second open rejects with `ERR_CORELANE_WAL_LOCKED`), used on one thread.
 */
export class Wal {
  readonly #dir: string;
  readonly #o: ResolvedWalOptions;
  readonly #ring: IoRing;
  readonly #ownsRing: boolean;
  /**
   * A one-write group under 'always' goes as one RWF_DSYNC write: asked for (`dsync`), and the
   * ring says it honours the option (a ring from an `@corelane/uring` before it would run a
   * plain write: then the linked write + fdatasync).
   */
  readonly #dsync: boolean;
  readonly #segments: SegmentInfo[];
  readonly #recovery: WalRecovery;
  /** This Wal's hold on its directory: no other Wal opens it until close(). */
  readonly #lock: DirLock;
  /** Writes lone groups under 'always' with O_DIRECT (see `direct.ts`); null: through the page cache. */
  #direct: DirectWriter | null;
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
  /** Groups (or a bare fdatasync) submitted and not yet settled, oldest first. */
  readonly #flights: Flight[] = [];
  /** A flight is between its start and the submission of its chain: nothing may follow it yet. */
  #submitting = false;
  /** End of the bytes the flights reserved in the newest segment (`active.end` when none is in flight). */
  #writeEnd: number;
  /** The seq the next group is numbered from (`#nextSeq` when none is in flight). */
  #sealSeq: number;
  /** The loop settling the flights in order, while any is in flight. */
  #settler: Promise<void> | null = null;
  /** A failed flight is being handled: nothing joins the pipeline. */
  #failing = false;
  #pumpScheduled = false;
  /** A pump is queued as a microtask (`#pumpSoon`). */
  #pumpQueued = false;
  /**
   * How many records the filling group may expect before the end of this turn of the event
   * loop: set when a group is acknowledged (its appenders, and those already filling, may come
   * back from their continuations), 0 once the turn's pump ran (see `#appended`).
   */
  #expected = 0;
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
    direct: DirectWriter | null,
  ) {
    this.#dir = dir;
    this.#o = o;
    this.#ring = ring;
    this.#ownsRing = o.ring === undefined;
    this.#dsync = o.dsync && o.fsync === 'always' && dsyncWrites(ring);
    this.#segments = segments;
    this.#recovery = recovery;
    this.#lock = lock;
    this.#fd = fd;
    this.#direct = direct;
    this.#nextSeq = nextSeq;
    this.#sealSeq = nextSeq;
    this.#writeEnd = (segments.at(-1) as SegmentInfo).end;
    this.#zero = new ZeroAhead(ring, o.zeroAheadBytes);
    const newest = segments.at(-1) as SegmentInfo;
    this.#zero.reset(newest, newest.end);
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
      // The log's own ring only writes and syncs: without DEFER_TASKRUN the kernel's workers post
      // each completion themselves (1 io_uring_enter per write + fdatasync instead of 4; measured
      // in docs/packages/uring.md, and 1.2-1.4x the x1 and x256 appends in interleaved bench pairs);
      // quiet links: a group's writes post no completion (1 eventfd wake per append, not 2).
      ring = o.ring ?? new IoRing({ backend: o.backend, deferTaskrun: false, quietLinks: true });
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
      const newest = segments.at(-1) as SegmentInfo;
      // Direct writes only where every group is one RWF_DSYNC write and goes alone (`direct.ts`).
      const direct =
        o.directIo && o.fsync === 'always' && o.dsync && o.maxGroupsInFlight === 1 && dsyncWrites(ring)
          ? await DirectWriter.open(ring, newest.path, newest.end, o.maxGroupBytes)
          : null;
      return new Wal(path, o, ring, segments, report, lock, fd, nextSeq, direct);
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
      this.#appended(group);
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
      onRecord(new ReplayedRecord(seq, buffer.arrayBuffer, start, size));
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
      // (e) Every flight settled before the file closes: the waiter above covers every group
      // queued, and a failure settles all of them at once, but a bare fdatasync may still run.
      while (this.#settler !== null) await this.#settler;
      failure ??= this.#failure ?? undefined;
      clearInterval(this.#timer);
      await this.#scrub().catch((e: unknown) => (failure ??= e));
      await this.#zero.settle();
      await this.#direct?.close();
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
    if (group.capacity !== this.#o.maxGroupBytes || this.#free.length >= FREE_GROUPS + this.#o.maxGroupsInFlight)
      return;
    group.reset();
    this.#free.push(group);
  }

  #queue(group: Group): void {
    if (this.#filling === group) this.#filling = null;
    group.index = ++this.#groupsQueued;
    this.#ready.push(group);
  }

  /**
   * Starts the pump at the end of this turn of the event loop (setImmediate): appends made by
   * the continuations of the group that just completed, however many promise hops away, join
   * the next group rather than trail it. Nothing is scheduled while the pipeline is full or a
   * group is being submitted: a submission or a completion schedules the next.
   */
  #schedule(): void {
    if (this.#pumpScheduled || this.#failing || this.#submitting || this.#flights.length >= this.#o.maxGroupsInFlight) {
      return;
    }
    this.#pumpScheduled = true;
    setImmediate(() => {
      this.#pumpScheduled = false;
      this.#expected = 0;
      this.#pump();
    });
  }

  /**
   * An append joined `group` (the filling one). With nothing in flight, the group goes at the
   * end of the current microtask turn, not the event loop's (what `#schedule` waits for): then
   * the appends of a synchronous burst still form one group, and a lone appender (one in
   * flight) spends no event-loop turn between its append and the kernel (measured: about 10 µs
   * of an x1 append's 200). The appends that follow an acknowledgement wait as before, until
   * as many records as the group just acknowledged (and those filling then) came back, or the
   * end of the turn, whichever is first: so 256 appenders woken by one group still form one.
   * With a group in flight nothing changes: the next group forms until a completion pumps it.
   *
   * Proof obligation (c), no append is stranded: it either queues a pump (a microtask or an
   * immediate), or finds the pipeline busy (a group in flight or being submitted, a failure
   * being handled), and then the edge that frees it pumps: `#submitted()` schedules, and the
   * settler schedules after each flight whenever a group is filling or queued (`#pending`).
   * A pump that finds the pipeline busy does nothing, and the same edges follow it.
   */
  #appended(group: Group): void {
    if (this.#flights.length === 0 && group.entries.length >= this.#expected) this.#pumpSoon();
    else this.#schedule();
  }

  /** Whether the pump has something to do: a group queued or filling, a sync asked for. */
  #pending(): boolean {
    return (
      this.#ready.length > 0 ||
      (this.#filling !== null && this.#filling.entries.length > 0) ||
      this.#waiters.length > 0 ||
      this.#syncDue
    );
  }

  /** Starts the pump once the microtasks queued so far ran (the appends made synchronously are in). */
  #pumpSoon(): void {
    if (this.#pumpQueued) return;
    this.#pumpQueued = true;
    queueMicrotask(() => {
      this.#pumpQueued = false;
      this.#expected = 0;
      this.#pump();
    });
  }

  /**
   * Takes the next groups (or a pending fdatasync) to the kernel, up to `maxGroupsInFlight`.
   * A group that finds the pipeline empty goes "alone": it may roll the segment, cover what a
   * failed group left, or be a bare fdatasync. A group joins groups in flight only when none of
   * that applies (see `#joins`), and only once the group before it was submitted, so groups are
   * written in sequence order at consecutive offsets.
   */
  #pump(): void {
    // While a failure is handled the pipeline counts as full: its flights are being settled.
    while (!this.#failing && !this.#submitting && this.#flights.length < this.#o.maxGroupsInFlight) {
      const alone = this.#flights.length === 0;
      let group = this.#ready[0] ?? null;
      const filling = this.#filling;
      if (group === null && filling !== null && filling.entries.length > 0) {
        // A group that cannot join yet keeps filling (it is not queued until it goes).
        if (!alone && !this.#joins(filling)) return;
        this.#queueSplit(filling, alone);
        group = this.#ready[0] as Group;
      }
      if (!alone && (group === null || !this.#joins(group))) return;
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
      } else {
        this.#ready.shift();
      }
      if (sync) this.#syncDue = false;
      this.#start(group, sync);
    }
  }

  /**
   * Queues the filling group. With more than one group allowed in flight, a group about to go
   * alone is cut into that many parts (each queued as a group of its own): appenders that all
   * woke on one acknowledgement then spread over the groups, and the next group's write +
   * fdatasync overlaps this one's.
   */
  #queueSplit(group: Group, alone: boolean): void {
    const parts = this.#o.maxGroupsInFlight;
    if (!alone || parts === 1 || group.capacity !== this.#o.maxGroupBytes || group.entries.length < parts * SPLIT_MIN) {
      this.#queue(group);
      return;
    }
    const tails: Group[] = [];
    for (let left = parts; left > 1; left--) {
      const tail = this.#takeGroup(0);
      group.moveTail(Math.floor(group.entries.length / left), tail);
      tails.unshift(tail);
    }
    this.#queue(group);
    for (const tail of tails) this.#queue(tail);
  }

  /**
   * Whether `group` may be submitted while groups are in flight. Only plain groups pipeline:
   * under 'always' (each group has its own fdatasync), no failure being handled and nothing a
   * failed group left to cover, no roll (a roll fsyncs and switches files: it goes alone), and
   * no group larger than `maxGroupBytes` among them, so every group in flight spans at most
   * `maxGroupBytes` and recovery's window (`groupsWindow`) covers them all.
   */
  #joins(group: Group): boolean {
    const active = this.#segments.at(-1) as SegmentInfo;
    return (
      this.#o.fsync === 'always' &&
      this.#failure === null &&
      !this.#failing &&
      !this.#mustRoll &&
      this.#dirtyEnd === 0 &&
      group.capacity === this.#o.maxGroupBytes &&
      this.#writeEnd + group.used <= active.size &&
      this.#flights.every((f) => f.group !== null && f.group.capacity === this.#o.maxGroupBytes)
    );
  }

  /** Puts a group (or a bare fdatasync) in flight and makes sure the settler follows it. */
  #start(group: Group | null, sync: boolean): void {
    const flight: Flight = {
      group,
      sync,
      first: 0,
      next: 0,
      at: 0,
      end: 0,
      written: false,
      hadUnsynced: this.#unsynced,
      done: NOT_STARTED,
    };
    this.#flights.push(flight);
    this.#submitting = true;
    flight.done = this.#submit(flight);
    this.#settler ??= this.#settle();
  }

  /** The submission is in the kernel's hands (or failed before it): the next group may go. */
  #submitted(): void {
    if (!this.#submitting) return;
    this.#submitting = false;
    this.#schedule();
  }

  /**
   * One flight's I/O: (roll if full,) number the records, reserve the range, write + fdatasync.
   * Resolves with the outcome (never rejects); the settler acknowledges or fails it, in order.
   */
  async #submit(flight: Flight): Promise<Outcome> {
    const group = flight.group;
    try {
      if (this.#failure !== null) throw this.#failure;
      if (group === null) {
        const synced = this.#ring.fsync(this.#fd, { dataOnly: true });
        this.#submitted();
        await synced;
        return DONE;
      }
      let active = this.#segments.at(-1) as SegmentInfo;
      if (this.#mustRoll || this.#writeEnd + group.used > active.size) {
        // Only a group alone gets here (`#joins`): nothing else is written to this segment.
        this.#mustRoll = true;
        await this.#roll();
        this.#mustRoll = false;
        active = this.#segments.at(-1) as SegmentInfo;
      }
      // Numbers and range are taken from what the groups before it reserved (`#sealSeq`,
      // `#writeEnd`), synchronously, before any await: the next group continues right after it.
      const at = this.#writeEnd;
      flight.at = at;
      flight.first = this.#sealSeq;
      flight.next = group.seal(flight.first);
      flight.end = Math.max(at + group.used, this.#dirtyEnd);
      this.#writeEnd = at + group.used;
      this.#sealSeq = flight.next;
      const chunks: WriteChunk[] = [{ bytes: group.bytes.subarray(0, group.used), position: at }];
      if (this.#dirtyEnd > at + group.used) {
        chunks.push({ bytes: new Uint8Array(this.#dirtyEnd - at - group.used), position: at + group.used });
      }
      // A lone RWF_DSYNC write goes direct where it can: whole pages, so its range is padded.
      const direct =
        this.#direct !== null && this.#dsync && flight.sync && chunks.length === 1 && this.#direct.fits(group.used)
          ? this.#direct
          : null;
      const span = direct === null ? { from: at, to: flight.end } : DirectWriter.span(at, group.used);
      // (d) Zero-ahead never overlaps a group: `before()` raises its reservation to this
      // flight's end first (no chunk starts below it from now on), then hands back any chunk in
      // flight over the range, awaited before the write is submitted.
      const overlap = this.#zero.before(span.from, span.to);
      if (overlap !== null) await overlap;
      flight.written = true;
      // Submitted synchronously. RWF_DSYNC only under 'always': every earlier group was synced
      // by its own chain, so durable bytes of this group's range are all an fdatasync adds.
      const chain =
        direct === null
          ? writeAndSync(this.#ring, this.#fd, chunks, flight.sync, this.#dsync)
          : direct.write(group.bytes.subarray(0, group.used), at, this.#fd);
      this.#submitted();
      await chain;
      return DONE;
    } catch (cause) {
      this.#submitted();
      return { cause };
    }
  }

  /**
   * Settles the flights strictly in the order they were submitted, until none is left.
   *
   * Proof obligation (a), acknowledgement in sequence order: a group is acknowledged only here,
   * after its own chain (write + fdatasync) completed AND every flight before it was settled; a
   * later group whose fdatasync finished first waits in `#flights` behind the earlier one and
   * acknowledges nothing early (its fdatasync need not cover the earlier group's write, which may
   * still be in flight).
   */
  async #settle(): Promise<void> {
    while (this.#flights.length > 0) {
      const flight = this.#flights[0] as Flight;
      const outcome = await flight.done;
      if ('cause' in outcome) {
        await this.#fail(outcome.cause);
      } else {
        this.#flights.shift();
        this.#acknowledge(flight);
      }
      // Only for work already waiting: appends the acknowledgement's continuations make pump
      // themselves (`#appended`), and a turn scheduled for nothing costs a lone appender a
      // setImmediate per append.
      if (this.#pending()) this.#schedule();
    }
    this.#settler = null;
  }

  /** A flight at the head of the pipeline completed: its group is in the log (durable when synced). */
  #acknowledge(flight: Flight): void {
    const group = flight.group;
    if (group !== null) {
      const active = this.#segments.at(-1) as SegmentInfo;
      active.end = flight.at + group.used;
      active.lastSeq = flight.next - 1;
      this.#nextSeq = flight.next;
      this.#dirtyEnd = 0;
      this.#groupsDone = group.index;
      if (!flight.sync) this.#unsynced = true;
      this.#zero.advance();
      this.#expected = group.entries.length + (this.#filling?.entries.length ?? 0);
      group.resolveAll(flight.first);
      this.#recycle(group);
    }
    if (flight.sync) {
      this.#unsynced = false;
      this.#syncedThrough = this.#groupsDone;
    }
    this.#settleWaiters(null);
  }

  /**
   * The flight at the head of the pipeline failed.
   *
   * Proof obligation (b): it fails itself and every later flight (their bytes follow a gap or a
   * torn group: recovery would cut them anyway, and acknowledging them would break the order).
   * No flight is acknowledged or rejected before every chain in flight completed, so no write
   * can land after the scrub; the scrub then covers every failed group's bytes (`#dirtyEnd` is
   * raised to the furthest end any of them wrote), and the log continues after the last durable
   * byte: the next group is numbered from the last acknowledged seq + 1 at `active.end`.
   */
  async #fail(cause: unknown): Promise<void> {
    this.#failing = true;
    const flights = this.#flights.splice(0);
    await Promise.all(flights.map((f) => f.done));
    const error = walIoError(cause, 'WAL group commit');
    this.#noteSyncFailure(cause, error, (flights[0] as Flight).hadUnsynced);
    const active = this.#segments.at(-1) as SegmentInfo;
    for (const f of flights) {
      if (f.written) this.#dirtyEnd = Math.max(this.#dirtyEnd, f.end);
    }
    if (this.#dirtyEnd > active.end) {
      // Before the rejections go out: a rejected append must not be found by the recovery after
      // a crash, nor after a close() with no later write over its bytes.
      await this.#scrub().catch((e: unknown) => this.#noteSyncFailure(e, null, this.#unsynced));
    }
    this.#writeEnd = active.end;
    this.#sealSeq = this.#nextSeq;
    for (const f of flights) {
      if (f.group === null) continue;
      this.#groupsDone = f.group.index;
      f.group.rejectAll(error);
      this.#recycle(f.group);
    }
    this.#failing = false;
    this.#settleWaiters(error);
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
    this.#writeEnd = SegmentHeader.SIZE;
    this.#zero.reset(segment, SegmentHeader.SIZE);
    if (this.#direct !== null && !(await this.#direct.reset(segment.path))) this.#direct = null;
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
