// The coordinator of a command whose keys live on several cores (MSET, RENAME, SMOVE, a MULTI
// over both…), run by the core of the client's connection. Atomic as in Redis, no client sees
// half of it:
//
//   1. lock   for each owner in ascending core order: lock the command's keys it owns (and the
//             keys the session WATCHes there); the owner answers once they are the
//             transaction's, with their values. Commands on those keys queue on the owner.
//   2. run    the command on a scratch shard holding exactly those keys (the coordinator
//             computes); the keys it changed become, per owner, the records that rebuild them.
//   3. write  each owner applies its records and logs them to its WAL (durable before the
//             reply under appendfsync always); all owners first, then
//   4. release every owner opens the keys; what queued behind them runs, in order.
//
// MSET (a blind write) skips step 2 and the scratch shard: each owner's piece is its own pairs,
// and the highest owner other than this core writes and releases in one message (`blindWrite`).
//
// An EXEC whose queue reads or empties the whole keyspace (FLUSHALL, FLUSHDB, DBSIZE, KEYS,
// SCAN, RANDOMKEY inside MULTI) locks each core's whole keyspace instead, and every owner sends
// all its keys: the scratch shard holds the whole keyspace, and those commands see and change
// all of it. A FLUSHALL/FLUSHDB there goes to every owner as one FLUSHALL record, followed by
// the keys changed after it (a queue that starts with one needs no rows at all). Rows or a
// piece larger than one mesh message fail the EXEC whole, before any owner writes.
//
// No deadlock: every coordinator takes its owners in the same (ascending) order, and a core
// grants locks in arrival order, so a wait chain only ever climbs to higher cores. A blocking
// command that finds nothing parks on each owner of its keys at release; the first push wakes
// the coordinator, which takes back its parks and runs the command again (with its deadline).
import { BlockRequest, type ServerHooks, type Session } from '../commands/context.js';
import { Shard, type WriteRecord } from '../commands/engine.js';
import { keyPositions } from '../commands/spec.js';
import { lookupCommand } from '../commands/table.js';
import type { Reply } from '../resp/reply.js';
import { ErrorReply, SimpleString } from '../resp/reply.js';
import { restoreKeysInto, stateRecords } from './key-state.js';
import type { LockRead, Participant } from './participant.js';

/** The keys of `argv` (none when the command is unknown). */
export function commandKeys(argv: readonly string[]): string[] {
  const spec = lookupCommand(argv);
  return spec === null ? [] : keyPositions(spec, argv as string[]).map((i) => argv[i] as string);
}

/**
 * What the owners send of a cross-core command's keys ({@link LockRead}): nothing for one that
 * overwrites them unread (its reply does not depend on them either); only whether each is there
 * (and its expiry) for one that counts or deletes them; their values for the rest.
 */
const LOCK_READS: Record<string, LockRead> = {
  mset: 'none',
  del: 'presence',
  unlink: 'presence',
  exists: 'presence',
  touch: 'presence',
};

/** What `argv`'s owners send of its keys. */
function lockRead(argv: readonly string[]): LockRead {
  return LOCK_READS[lookupCommand(argv)?.name ?? ''] ?? 'values';
}

/** Whether `argv` is a FLUSHALL or FLUSHDB that empties the keyspace (not one that fails: a syntax error). */
function emptiesKeyspace(argv: readonly string[]): boolean {
  const name = lookupCommand(argv)?.name;
  if (name !== 'flushall' && name !== 'flushdb') return false;
  return argv.length === 1 || (argv.length === 2 && /^(a?sync)$/i.test(argv[1] as string));
}

/** A parked blocking command, on the coordinator. */
interface Parked {
  readonly session: Session;
  readonly request: BlockRequest;
  /** Every key of the command (what a retry locks). */
  readonly keys: string[];
  /** The client's reply. */
  readonly promise: Promise<Reply>;
  readonly resolve: (reply: Reply) => void;
  timer: NodeJS.Timeout | null;
  /** The transaction whose parks wait on the owners now; null while a retry runs. */
  tx: string | null;
  /** The owners holding a park of `tx`. */
  cores: number[];
  timedOut: boolean;
  gone: boolean;
  done: boolean;
}

/** What one transaction's computation gives: a reply, a block (nothing to pop), or nothing yet (a retry that still waits). */
type Outcome = Reply | BlockRequest | undefined;

/** The longest delay setTimeout honours. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Options of a {@link CrossCore}. */
export interface CrossCoreOptions {
  /** This core's index. */
  readonly self: number;
  /** Restarts of this core so far: transaction ids of an earlier life never collide with this one's. */
  readonly incarnation: number;
  /** One participant per core, by index; the owner of a key is `owner(key)`. */
  readonly participants: readonly Participant[];
  readonly owner: (key: string) => number;
  /** This core's server (INFO, CLIENT inside a transaction). */
  readonly hooks: ServerHooks | null;
  readonly maxBulkBytes: number;
  /**
   * The most bytes one owner's piece may take through the mesh (a message larger than a ring's
   * record limit is refused). A command whose piece for some owner could be larger fails whole,
   * before any owner writes: no owner applies half of it. Infinity: no such bound (one process).
   */
  readonly maxPieceBytes: number;
  /** Forgets the session's WATCHes on this core (EXEC runs the queue on a scratch shard). */
  readonly unwatchLocal: (session: Session) => void;
}

/**
 * About the bytes `records` take in a mesh message: msgpack writes each string (latin1
 * characters, a byte each) as UTF-8 plus a header of up to 5 bytes; a record adds its time and
 * array header. The caller's bound leaves room for the message's frame and other fields.
 */
function pieceBytes(records: readonly WriteRecord[]): number {
  let bytes = 16;
  for (const r of records) {
    bytes += 16;
    for (const a of r.argv) bytes += Buffer.byteLength(a, 'utf8') + 5;
  }
  return bytes;
}

/** The error of a piece for `core` larger than one mesh message: nothing was changed. */
function pieceTooLarge(core: number, bytes: number, max: number): ErrorReply {
  return new ErrorReply(
    `ERR the new state of this command's keys on core ${core} takes up to ${bytes} bytes, more than the ${max} one message between cores may carry; nothing was changed`,
  );
}

/** Whether `argv` is an MSET with its pairs whole (a wrong arity takes the general path: its error). */
function isBlindMset(argv: readonly string[]): boolean {
  return argv.length >= 3 && argv.length % 2 === 1 && lookupCommand(argv)?.name === 'mset';
}

const OK = new SimpleString('OK');

/** Runs cross-core commands for the connections of one core. */
export class CrossCore {
  private seq = 0;
  private readonly parked = new Map<string, Parked>();
  private readonly bySession = new Map<Session, Parked>();
  /** Connections that closed: a block of theirs never parks (it would take an element for no one). */
  private readonly left = new WeakSet<Session>();

  constructor(private readonly o: CrossCoreOptions) {}

  /** How many of this core's clients are parked over keys of several cores (INFO blocked_clients). */
  get blocked(): number {
    return this.bySession.size;
  }

  /** A command whose keys live on several cores. */
  async run(argv: string[], session: Session): Promise<Reply> {
    if (isBlindMset(argv)) return this.blindWrite(argv, session);
    const keys = commandKeys(argv);
    const { outcome, parked } = await this.transaction(
      session,
      this.byCore(keys, null),
      false,
      keys,
      null,
      (scratch) => {
        return scratch.execute(argv, session, this.o.hooks).reply;
      },
      lockRead(argv),
    );
    // A block: the client waits for its park (registered before the release).
    if (parked !== null) return parked.promise;
    return outcome instanceof BlockRequest || outcome === undefined ? null : outcome;
  }

  /**
   * MSET over several cores, without a scratch shard: its values are known and it reads
   * nothing, so each owner's piece is its own keys' pairs as one MSET record (replayed by the
   * same handler). Every owner is locked first, in ascending order, as in {@link transaction};
   * then the others' pieces are written, and the highest owner other than this core gets its
   * piece and its release as one message ({@link Participant.commit}), sent once every other
   * piece is applied and durable. The other owners release only once it answered (its keys are
   * open then, and written): no client sees half of it, and every piece is durable before any
   * key opens.
   *
   * Proof obligation: no piece is written before every owner granted its lock. An owner that
   * dies while a lock waits (its lock fails) leaves nothing written; were its lock to travel
   * with its write, the others' pieces would stay applied while its own is lost.
   */
  private async blindWrite(argv: string[], session: Session): Promise<Reply> {
    const now = Date.now();
    const pieces = new Map<number, string[]>();
    const keysOf = new Map<number, string[]>();
    for (let i = 1; i < argv.length; i += 2) {
      const key = argv[i] as string;
      const core = this.o.owner(key);
      let piece = pieces.get(core);
      if (piece === undefined) {
        piece = ['MSET'];
        pieces.set(core, piece);
        keysOf.set(core, []);
      }
      piece.push(key, argv[i + 1] as string);
      (keysOf.get(core) as string[]).push(key);
    }
    const records = new Map<number, WriteRecord[]>();
    for (const [core, piece] of pieces) {
      const record = [{ argv: piece, nowMs: now }];
      const bytes = pieceBytes(record);
      if (bytes > this.o.maxPieceBytes) return pieceTooLarge(core, bytes, this.o.maxPieceBytes);
      records.set(core, record);
    }
    const cores = [...pieces.keys()].sort((a, b) => a - b);
    let tail = -1;
    for (const core of cores) if (core !== this.o.self) tail = core;
    const tx = this.nextTx();
    const locked: number[] = [];
    try {
      for (const core of cores) {
        await this.participant(core).lock(tx, keysOf.get(core) as string[], session, false, 'none');
        locked.push(core);
      }
      await Promise.all(
        locked.filter((c) => c !== tail).map((c) => this.participant(c).write(tx, records.get(c) as WriteRecord[])),
      );
      await this.participant(tail).commit(tx, records.get(tail) as WriteRecord[]);
      // It released itself.
      locked.splice(locked.indexOf(tail), 1);
      return OK;
    } catch (e) {
      return new ErrorReply(`ERR ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      for (const core of locked) this.participant(core).release(tx, session, { unwatch: false, park: null });
    }
  }

  /**
   * A keyspace-wide command (FLUSHALL, FLUSHDB, DBSIZE, KEYS) over every core, atomic as one
   * Redis's: it locks each core's whole keyspace in ascending core order (as every transaction
   * takes its owners) and runs there once it holds it; every core stays locked until the last
   * answered, so no cross-core command is seen, or emptied, on some cores only. Each core's reply.
   */
  async everyCore(argv: string[], session: Session): Promise<Reply[]> {
    const tx = this.nextTx();
    const locked: number[] = [];
    try {
      const replies: Reply[] = [];
      for (let core = 0; core < this.o.participants.length; core++) {
        // Released even if the run fails after the lock.
        locked.push(core);
        replies.push(await this.participant(core).runWhole(tx, argv, session));
      }
      return replies;
    } finally {
      for (const core of locked) this.participant(core).release(tx, session, { unwatch: false, park: null });
    }
  }

  /**
   * EXEC of a transaction whose commands or WATCHes span cores: `watched` are the keys the
   * session WATCHes, by core. The queue runs at once on the scratch shard. `whole`: the queue
   * reads or empties the whole keyspace (FLUSHALL, DBSIZE, KEYS, SCAN, RANDOMKEY inside it):
   * every core's whole keyspace is locked and copied to the scratch shard, which then holds
   * every key there is.
   */
  async exec(session: Session, watched: ReadonlyMap<number, readonly string[]>, whole = false): Promise<Reply> {
    const queue = session.multi ?? [];
    const keys = queue.flatMap((q) => commandKeys(q));
    const byCore = this.byCore(keys, watched);
    if (whole)
      for (let core = 0; core < this.o.participants.length; core++) if (!byCore.has(core)) byCore.set(core, []);
    // A key watched here that changed already unwatched the session: it leaves only this flag.
    const dirtyHere = session.watchDirty;
    const { outcome } = await this.transaction(
      session,
      byCore,
      true,
      keys,
      null,
      (scratch, dirty) => {
        this.o.unwatchLocal(session);
        session.watchDirty = dirty || dirtyHere;
        const reply = scratch.execute(['EXEC'], session, this.o.hooks).reply;
        // Inside EXEC a blocking command answers at once; EXEC itself never blocks.
        return reply instanceof BlockRequest ? reply.denied : reply;
      },
      // A queue that starts by emptying the keyspace reads none of it: the owners send no rows.
      whole && queue.length > 0 && emptiesKeyspace(queue[0] as string[]) ? 'none' : 'values',
      whole,
    );
    // EXEC ends the transaction whatever happened (an owner that failed to answer included).
    if (session.multi !== null) {
      session.multi = null;
      session.multiFailed = false;
      this.o.unwatchLocal(session);
    }
    return outcome instanceof BlockRequest || outcome === undefined ? null : outcome;
  }

  /** Owner `tx` parked on says one of the keys got elements. */
  ready(tx: string): void {
    const p = this.parked.get(tx);
    if (p === undefined) return;
    this.parked.delete(tx);
    // Off the owner's serving loop (a local park fires inside it).
    queueMicrotask(() => this.retry(p, tx));
  }

  /** The client left: forget its park (a retry under way takes nothing). */
  disconnect(session: Session): void {
    this.left.add(session);
    const p = this.bySession.get(session);
    if (p === undefined) return;
    p.gone = true;
    this.finish(p, null);
  }

  private byCore(
    keys: readonly string[],
    watched: ReadonlyMap<number, readonly string[]> | null,
  ): Map<number, string[]> {
    const out = new Map<number, string[]>();
    const add = (core: number, key: string) => {
      let list = out.get(core);
      if (list === undefined) {
        list = [];
        out.set(core, list);
      }
      list.push(key);
    };
    for (const key of keys) add(this.o.owner(key), key);
    for (const [core, list] of watched ?? []) for (const key of list) add(core, key);
    return out;
  }

  /**
   * Runs phases 1–4 of one transaction; `compute` runs on the scratch shard. `read`: what the
   * owners send of the keys; `whole`: each owner of `byCore` locks and sends its whole keyspace.
   */
  private async transaction(
    session: Session,
    byCore: Map<number, string[]>,
    watch: boolean,
    keys: string[],
    retrying: Parked | null,
    compute: (scratch: Shard, dirty: boolean) => Outcome,
    read: LockRead = 'values',
    whole = false,
  ): Promise<{ outcome: Outcome; parked: Parked | null }> {
    const tx = this.nextTx();
    const cores = [...byCore.keys()].sort((a, b) => a - b);
    const locked: number[] = [];
    let park: Map<number, string[]> | null = null;
    let parked: Parked | null = null;
    try {
      // 1. Lock in ascending core order, one owner at a time.
      const grants = [];
      for (const core of cores) {
        grants.push(await this.participant(core).lock(tx, byCore.get(core) as string[], session, watch, read, whole));
        locked.push(core);
      }
      // 2. Compute on a scratch shard of exactly the locked keys, at one command time.
      const now = Date.now();
      const scratch = new Shard({ clock: () => now, maxBulkBytes: this.o.maxBulkBytes });
      for (const g of grants) restoreKeysInto(scratch.db, g.rows);
      const existed = new Set(scratch.db.data.keys());
      const changed = new Set<string>();
      const watchHook = scratch.db.onModified;
      scratch.db.onModified = (key) => {
        changed.add(key);
        watchHook?.(key);
      };
      // FLUSHALL/FLUSHDB (a whole-keyspace EXEC) empty every owner with one FLUSHALL record: only
      // what changes after the last one goes back key by key.
      let flushed = false;
      const clearing = scratch.db.onClearing;
      scratch.db.onClearing = (data) => {
        flushed = true;
        changed.clear();
        return clearing?.(data) ?? [];
      };
      const outcome = compute(
        scratch,
        grants.some((g) => g.dirty),
      );
      // 3. Each owner applies and logs the new state of its changed keys.
      const pieces = new Map<number, WriteRecord[]>();
      if (flushed) {
        for (let core = 0; core < this.o.participants.length; core++) {
          pieces.set(core, [{ argv: ['FLUSHALL'], nowMs: now }]);
        }
      }
      const ownerOf = new Map<string, number>();
      for (const [core, list] of byCore) for (const key of list) ownerOf.set(key, core);
      for (const key of changed) {
        const core = ownerOf.get(key) ?? this.o.owner(key);
        let piece = pieces.get(core);
        if (piece === undefined) {
          piece = [];
          pieces.set(core, piece);
        }
        const had = !flushed && existed.has(key);
        for (const argv of stateRecords(key, scratch.db.data.get(key), scratch.db.getExpire(key), had)) {
          piece.push({ argv, nowMs: now });
        }
      }
      for (const [core, records] of pieces) {
        const bytes = pieceBytes(records);
        if (bytes > this.o.maxPieceBytes)
          return { outcome: pieceTooLarge(core, bytes, this.o.maxPieceBytes), parked: null };
      }
      await Promise.all([...pieces].map(([core, records]) => this.participant(core).write(tx, records)));
      // A block parks on the owners of the keys it waits on, as they are released.
      const request = outcome instanceof BlockRequest ? outcome : outcome === undefined ? retrying?.request : undefined;
      if (request !== undefined && !this.left.has(session) && !retrying?.gone && !retrying?.timedOut) {
        park = this.byCore(request.keys, null);
        parked = this.register(tx, session, request, keys, retrying, [...park.keys()]);
      }
      return { outcome, parked };
    } catch (e) {
      park = null;
      return { outcome: new ErrorReply(`ERR ${e instanceof Error ? e.message : String(e)}`), parked: null };
    } finally {
      // 4. Release everywhere (also after a failure: a lock never outlives its transaction).
      for (const core of locked) {
        this.participant(core).release(tx, session, { unwatch: watch, park: park?.get(core) ?? null });
      }
    }
  }

  /** A new transaction id, unique over this core's lives. */
  private nextTx(): string {
    return `${this.o.self}:${this.o.incarnation}:${++this.seq}`;
  }

  private participant(core: number): Participant {
    return this.o.participants[core] as Participant;
  }

  /** Records the park of `tx` (before the release: a local park may fire during it). */
  private register(
    tx: string,
    session: Session,
    request: BlockRequest,
    keys: string[],
    retrying: Parked | null,
    cores: number[],
  ): Parked {
    let p = retrying;
    if (p === null) {
      let resolve: (r: Reply) => void = () => {};
      const promise = new Promise<Reply>((r) => {
        resolve = r;
      });
      p = {
        session,
        request,
        keys,
        promise,
        resolve,
        timer: null,
        tx: null,
        cores: [],
        timedOut: false,
        gone: false,
        done: false,
      };
      this.bySession.set(session, p);
      if (request.timeoutAtMs > 0) this.arm(p);
    }
    p.tx = tx;
    p.cores = cores;
    this.parked.set(tx, p);
    return p;
  }

  /** Times the client out at its deadline (never before its parks are in place: a timer runs later). */
  private arm(p: Parked): void {
    const left = p.request.timeoutAtMs - Date.now();
    p.timer = setTimeout(
      () => {
        if (p.request.timeoutAtMs - Date.now() > 0) return this.arm(p);
        p.timedOut = true;
        // While a retry runs, it answers (served, or timed out).
        if (p.tx !== null) this.finish(p, p.request.onTimeout);
      },
      Math.max(0, Math.min(left, MAX_TIMER_MS)),
    );
  }

  /** Answers a parked client (null: it left) and takes its parks back. */
  private finish(p: Parked, reply: Reply | null): void {
    if (p.done) return;
    p.done = true;
    if (p.timer !== null) clearTimeout(p.timer);
    this.bySession.delete(p.session);
    if (p.tx !== null) {
      this.parked.delete(p.tx);
      for (const core of p.cores) this.participant(core).unpark(p.tx);
      p.tx = null;
    }
    if (reply !== null) p.resolve(reply);
  }

  /**
   * A key got elements: run the command again, then take the old parks back. Proof obligation:
   * the park that fired holds back the clients parked after it on its key until the retry took
   * the element (Redis serves in blocking order); its unpark, after the retry's release on that
   * owner (the mesh keeps the order), serves them with what is left.
   */
  private async retry(p: Parked, tx: string): Promise<void> {
    if (p.done) return;
    const old = p.cores;
    p.tx = null;
    p.cores = [];
    let outcome: Outcome;
    try {
      ({ outcome } = await this.transaction(p.session, this.byCore(p.keys, null), false, p.keys, p, (scratch) =>
        p.gone || p.timedOut || this.left.has(p.session) ? undefined : scratch.retry(p.request.retry, p.session).reply,
      ));
    } finally {
      for (const core of old) this.participant(core).unpark(tx);
    }
    if (outcome !== undefined && !(outcome instanceof BlockRequest)) this.finish(p, outcome);
    else if (p.timedOut || p.gone) this.finish(p, p.gone ? null : p.request.onTimeout);
  }
}
