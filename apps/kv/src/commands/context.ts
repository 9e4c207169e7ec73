// What a command sees while it runs: the shard's keyspace, the time, the connection, and where
// its write records go.
import type { Protocol } from '../resp/encoder.js';
import type { Reply } from '../resp/reply.js';
import type { Keyspace } from '../store/keyspace.js';
import type { Watches } from './watches.js';

/** The state of one connection that commands read and change (HELLO, AUTH, CLIENT SETNAME, …). */
export interface Session {
  /** CLIENT ID: unique, increasing from 1. */
  readonly id: number;
  /** CLIENT SETNAME. */
  name: string | null;
  /** RESP2 until HELLO 3. */
  protocol: Protocol;
  /** False while `requirepass` is set and AUTH has not succeeded. */
  authenticated: boolean;
  /** Set by QUIT: the connection closes once the replies due are written. */
  closeAfterReply: boolean;
  /** `ip:port` of the peer and of the local end (CLIENT LIST/INFO). */
  readonly addr: string;
  readonly laddr: string;
  /** When it connected, ms since the epoch. */
  readonly createdMs: number;
  /** The last command's name (CLIENT LIST `cmd=`). */
  lastCommand: string;
  /** When its last command ran. */
  lastCommandMs: number;
  /** The commands queued since MULTI, or null outside a transaction. */
  multi: string[][] | null;
  /** A command was refused while queueing (unknown, arity…): EXEC will answer EXECABORT. */
  multiFailed: boolean;
  /** The keys it WATCHes, each with whether it was already expired then. */
  readonly watched: Map<string, boolean>;
  /** A watched key changed: the next EXEC fails. */
  watchDirty: boolean;
}

/** What the server hosting a shard offers the server commands (INFO, CONFIG, SHUTDOWN, CLIENT LIST). */
export interface ServerHooks {
  /** CONFIG GET: every parameter and its current value. */
  config(): Map<string, string>;
  /** CONFIG SET of one parameter: an error message (without `ERR `) or null when it was set. */
  setConfig(name: string, value: string): string | null;
  /** The text of INFO for the sections asked (lower case; empty = default). */
  info(sections: string[]): string;
  /** Every open connection (CLIENT LIST). */
  sessions(): Iterable<Session>;
  /** SHUTDOWN: stop accepting, close every connection, exit. */
  shutdown(): void;
}

/**
 * A command that must wait (BLPOP on empty lists). The server parks the connection on `keys`;
 * each time one of them gets elements it calls `retry`, which serves the client (a reply) or
 * leaves it waiting (`undefined`); at `timeoutAtMs` (0 = never) the client gets `onTimeout`.
 */
export class BlockRequest {
  constructor(
    readonly keys: string[],
    readonly timeoutAtMs: number,
    readonly retry: (c: ExecContext) => Reply | undefined,
    readonly onTimeout: Reply,
    /** What it answers where it may not block (inside MULTI/EXEC); Redis's BLMOVE says `$-1` there, `*-1` on a timeout. */
    readonly denied: Reply = onTimeout,
  ) {}
}

/** The context one command runs in. */
export interface ExecContext {
  readonly db: Keyspace;
  /** The time this command sees, ms since the epoch (fixed for the whole command, as Redis's command time snapshot). */
  readonly now: number;
  /** The connection, or null while replaying the log. */
  readonly session: Session | null;
  readonly server: ServerHooks | null;
  /** The largest string a command may build (proto-max-bulk-len). */
  readonly maxBulkBytes: number;
  /**
   * The records to log for this command, as Redis propagates them to its AOF. A command that
   * logs something other than its own argv (SET … EX → SET … PXAT, SPOP → SREM) pushes here and
   * sets `rewritten`; otherwise the engine logs the argv when the command changed anything.
   */
  readonly log: string[][];
  rewritten: boolean;
  /** The shard's WATCH bookkeeping. */
  readonly watches: Watches;
}
