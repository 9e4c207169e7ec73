// Runs commands against one shard: name lookup, arity, authentication, the handler, and the
// write records of what changed (Redis's processCommand() + call() + propagate()). The same
// handlers replay the records: `apply(record)` is the deterministic reducer the WAL needs.
import { ErrorReply, NullArray, type Reply, SimpleString } from '../resp/reply.js';
import { Keyspace } from '../store/keyspace.js';
import { restoreKeyspace, snapshotKeyspace } from '../store/snapshot.js';
import { BlockRequest, type ExecContext, type ServerHooks, type Session } from './context.js';
import { arityError, cString, NOAUTH } from './errors.js';
import type { CommandSpec } from './spec.js';
import { lookupCommand } from './table.js';
import { Watches } from './watches.js';

/** Commands that run at once inside MULTI instead of being queued (Redis's processCommand()). */
const RUN_IN_MULTI = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);
const QUEUED = new SimpleString('QUEUED');
const EXECABORT = new ErrorReply('EXECABORT Transaction discarded because of previous errors.');
const NOT_IN_MULTI = new ErrorReply('ERR Command not allowed inside a transaction');

/** The records of a command that wrote nothing (shared: never changed). */
const NO_RECORDS: WriteRecord[] = [];

/** Keys one active-expiry sample looks at. */
const EXPIRE_SAMPLE = 200;

/** A write as logged: the command (relative times made absolute) and the time it ran at. */
export interface WriteRecord {
  readonly argv: string[];
  /** The command time it ran with, so replaying it decides expiry the same way. */
  readonly nowMs: number;
}

/** Options of a {@link Shard}. */
export interface ShardOptions {
  /** The largest string a command may build (proto-max-bulk-len), 512 MiB by default. */
  maxBulkBytes?: number;
  /** The clock, ms since the epoch (tests pass a fake one). */
  clock?: () => number;
}

/** Redis's sanitising of text put into an error line: CR and LF become spaces. */
function sanitize(s: string): string {
  return s.replace(/[\r\n]/g, ' ');
}

/** `ERR unknown command …` or `ERR unknown subcommand …`, exactly as Redis 7.0 words them. */
export function unknownCommandError(argv: readonly string[]): ErrorReply {
  const name = cString(argv[0] as string, Number.POSITIVE_INFINITY);
  const container = lookupCommand([name]);
  if (container?.subcommands && argv.length > 1) {
    return new ErrorReply(
      sanitize(`ERR unknown subcommand '${cString(argv[1] as string, 128)}'. Try ${name.toUpperCase()} HELP.`),
    );
  }
  let args = '';
  for (let i = 1; i < argv.length && args.length < 128; i++) {
    args += `'${cString(argv[i] as string, 128 - args.length)}' `;
  }
  return new ErrorReply(sanitize(`ERR unknown command '${name.slice(0, 128)}', with args beginning with: ${args}`));
}

/** What one {@link Shard.execute} produced: the reply (or a block) and the records to log. */
export interface Execution {
  reply: Reply | BlockRequest;
  records: WriteRecord[];
  spec: CommandSpec | null;
}

/**
 * One shard: a keyspace and the command engine over it. Single-threaded by design: the core that
 * owns the shard is the only caller.
 */
export class Shard {
  db: Keyspace;
  readonly maxBulkBytes: number;
  readonly clock: () => number;
  private currentLog: string[][] | null = null;
  private readonly watches = new Watches();

  constructor(options: ShardOptions = {}) {
    this.maxBulkBytes = options.maxBulkBytes ?? 512 * 1024 * 1024;
    this.clock = options.clock ?? Date.now;
    this.db = this.wire(new Keyspace());
  }

  private wire(db: Keyspace): Keyspace {
    db.onExpired = (key) => this.currentLog?.push(['DEL', key]);
    db.onModified = (key) => {
      if (!this.watches.empty) this.watches.touched(key, db.data.has(key));
    };
    db.onClearing = (data) => (this.watches.empty ? [] : this.watches.present(data));
    return db;
  }

  /** Forgets what `session` watches (its connection closed). */
  unwatch(session: Session): void {
    this.watches.unwatchAll(session);
  }

  /** Whether a key `session` WATCHes here changed, or expired at `now`, since WATCH (a cross-core EXEC asks each owner). */
  watchChanged(session: Session, now: number): boolean {
    return session.watchDirty || this.watches.expiredSince(session, (key) => this.db.isExpired(key, now));
  }

  /** Runs `argv` for `session` (null: an internal caller, always authenticated). */
  execute(argv: string[], session: Session | null, server: ServerHooks | null): Execution {
    const spec = lookupCommand(argv);
    // A refusal inside MULTI also dooms the transaction (Redis's flagTransaction()).
    const refuse = (reply: ErrorReply): Execution => {
      if (session?.multi) session.multiFailed = true;
      return { reply, records: [], spec };
    };
    if (spec === null) return refuse(unknownCommandError(argv));
    if ((spec.arity > 0 && spec.arity !== argv.length) || argv.length < -spec.arity) {
      return refuse(arityError(spec.fullname));
    }
    if (session !== null && !session.authenticated && !spec.flags.includes('no_auth')) return refuse(NOAUTH);
    if (spec.handler === null) return refuse(arityError(spec.fullname));
    if (session?.multi) {
      if (spec.flags.includes('no_multi')) return refuse(NOT_IN_MULTI);
      if (!RUN_IN_MULTI.has(spec.name)) {
        session.multi.push(argv);
        return { reply: QUEUED, records: [], spec };
      }
    }
    if (session !== null) session.lastCommand = spec.fullname;
    const now = this.clock();
    if (spec.name === 'exec' && session?.multi) return this.exec(session, server, now, spec);
    const { reply, log } = this.run(spec, argv, now, session, server);
    return { reply, records: log.length === 0 ? NO_RECORDS : log.map((a) => ({ argv: a, nowMs: now })), spec };
  }

  /** EXEC: every queued command, in order, at one time; their records come out together. */
  private exec(session: Session, server: ServerHooks | null, now: number, spec: CommandSpec): Execution {
    const queued = session.multi ?? [];
    const failed = session.multiFailed;
    const changed = session.watchDirty || this.watches.expiredSince(session, (key) => this.db.isExpired(key, now));
    session.multi = null;
    session.multiFailed = false;
    this.watches.unwatchAll(session);
    if (failed) return { reply: EXECABORT, records: [], spec };
    if (changed) return { reply: NullArray.instance, records: [], spec };
    const replies: Reply[] = [];
    const records: WriteRecord[] = [];
    for (const argv of queued) {
      const queuedSpec = lookupCommand(argv) as CommandSpec;
      const { reply, log } = this.run(queuedSpec, argv, now, session, server);
      // A blocking command inside MULTI cannot wait: it answers as if it timed out at once.
      replies.push(reply instanceof BlockRequest ? reply.denied : reply);
      for (const a of log) records.push({ argv: a, nowMs: now });
    }
    return { reply: replies, records, spec };
  }

  /** Runs `fn` (a blocked command's retry) in a fresh context; its records as for execute(). */
  retry(
    fn: (c: ExecContext) => Reply | undefined,
    session: Session | null,
  ): { reply: Reply | undefined; records: WriteRecord[] } {
    const now = this.clock();
    const c = this.context(now, session, null);
    let reply: Reply | undefined;
    try {
      reply = fn(c);
    } catch (e) {
      if (!(e instanceof ErrorReply)) throw e;
      reply = e;
    } finally {
      this.currentLog = null;
    }
    return { reply, records: c.log.map((a) => ({ argv: a, nowMs: now })) };
  }

  private context(now: number, session: Session | null, server: ServerHooks | null): ExecContext {
    const log: string[][] = [];
    this.currentLog = log;
    return {
      db: this.db,
      now,
      session,
      server,
      maxBulkBytes: this.maxBulkBytes,
      log,
      rewritten: false,
      watches: this.watches,
    };
  }

  private run(
    spec: CommandSpec,
    argv: string[],
    now: number,
    session: Session | null,
    server: ServerHooks | null,
  ): { reply: Reply | BlockRequest; log: string[][] } {
    const c = this.context(now, session, server);
    const dirty = this.db.dirty;
    let reply: Reply | BlockRequest;
    try {
      reply = (spec.handler as NonNullable<CommandSpec['handler']>)(c, argv);
    } catch (e) {
      if (!(e instanceof ErrorReply)) throw e;
      reply = e;
    } finally {
      this.currentLog = null;
    }
    if (!c.rewritten && this.db.dirty !== dirty && spec.flags.includes('write')) c.log.push(argv);
    return { reply, log: c.log };
  }

  /**
   * Replays one logged write: the deterministic reducer. The same shard state and the same
   * record always give the same state.
   */
  apply(record: WriteRecord): void {
    const spec = lookupCommand(record.argv);
    if (spec === null || spec.handler === null) throw new Error(`corelane-kv: cannot replay ${record.argv[0]}`);
    this.run(spec, record.argv, record.nowMs, null, null);
  }

  /**
   * Active expiry up to `now`: the records of the keys it deleted (DEL, as Redis propagates).
   * Like Redis's cycle it samples again while more than a quarter of a sample had expired, up
   * to `maxRounds` samples, so a burst of expiring keys drains fast and a quiet keyspace costs
   * one sample.
   */
  tick(now: number = this.clock(), maxRounds = 16): WriteRecord[] {
    const log: string[][] = [];
    this.currentLog = log;
    try {
      for (let round = 0; round < maxRounds; round++) {
        if (this.db.tick(now, EXPIRE_SAMPLE) <= EXPIRE_SAMPLE / 4) break;
      }
    } finally {
      this.currentLog = null;
    }
    return log.map((argv) => ({ argv, nowMs: now }));
  }

  /** The keyspace as bytes (a checkpoint). */
  snapshot(): Uint8Array {
    return snapshotKeyspace(this.db);
  }

  /** Replaces the keyspace with a {@link Shard.snapshot}'s. */
  restore(bytes: Uint8Array): void {
    const db = restoreKeyspace(bytes);
    db.onListReady = this.db.onListReady;
    this.db = this.wire(db);
  }
}
