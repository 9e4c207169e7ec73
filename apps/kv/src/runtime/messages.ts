// What the cores of corelane-kv send each other (and the main thread sends them), through the
// runtime's mesh (msgpack; the plain forwarded commands and their replies travel as flat frames
// instead, forward-frame.ts and reply-frame.ts). A command forwarded to the core owning its keys carries what of
// the connection's state the command reads; the reply comes back as RESP bytes, encoded for
// the protocol the connection spoke when it sent the command.

/** Runs `argv` on the receiving core's shard for session `sid` of core `from`. */
export interface RunMessage {
  readonly t: 'run';
  readonly from: number;
  readonly sid: number;
  /** The connection's protocol when it sent the command: the reply is encoded with it. */
  readonly proto: 2 | 3;
  readonly auth: boolean;
  readonly argv: string[];
  /** EXEC: the queued commands (MULTI was checked and queued on the connection's core). */
  readonly multi?: string[][];
  readonly multiFailed?: boolean;
}

/**
 * The reply the owner kept under `token` for core `from` (reply-frame.ts: too large to share
 * its frame with the others); the answer is its RESP bytes, and the owner forgets it.
 */
export interface TakeMessage {
  readonly t: 'take';
  readonly from: number;
  readonly token: number;
}

/** Session `sid` of core `from` closed: drop its parked commands and watches. */
export interface GoneMessage {
  readonly t: 'gone';
  readonly from: number;
  readonly sid: number;
}

// A cross-core command (server/cross-core.ts): the coordinator core `from` runs transaction
// `tx` (`<from>:<incarnation>:<seq>`) over keys of this core.

/**
 * Lock `keys` for `tx`; the reply is a Grant (their snapshot; `watch`: whether session `sid`'s
 * WATCHes here changed), or an error when the snapshot is larger than one message may carry.
 */
export interface LockMessage {
  readonly t: 'lock';
  readonly from: number;
  readonly tx: string;
  readonly keys: string[];
  readonly sid: number;
  readonly watch: boolean;
  /** What to send of the keys ({@link LockRead}): only whether each is there, or nothing. Default their values. */
  readonly read?: 'presence' | 'none';
  /** Lock the whole keyspace and send the rows of every key (an EXEC that reads or empties it). */
  readonly all?: true;
  /** Lock the whole keyspace instead and run this command there (FLUSHALL, DBSIZE, KEYS…); the reply is its RESP bytes. */
  readonly run?: string[];
  /** `run`: the protocol its reply is encoded with. */
  readonly proto?: 2 | 3;
}

/** Apply and log `tx`'s records (`[nowMs, ...argv]` each); the reply (true) once durable. */
export interface WriteMessage {
  readonly t: 'write';
  readonly tx: string;
  readonly records: [number, ...string[]][];
}

/**
 * A blind write's last owner (MSET): apply and log `tx`'s records (`tx` holds the keys), then
 * release. The reply (true) once durable and released.
 */
export interface CommitMessage {
  readonly t: 'commit';
  readonly tx: string;
  readonly records: [number, ...string[]][];
}

/** End `tx` here: unwatch session `sid`'s keys, park on `park` (a `ready` to `from` when one gets elements). */
export interface ReleaseMessage {
  readonly t: 'release';
  readonly from: number;
  readonly tx: string;
  readonly sid: number;
  readonly unwatch: boolean;
  readonly park: string[] | null;
}

/** Forget `tx`'s park. */
export interface UnparkMessage {
  readonly t: 'unpark';
  readonly tx: string;
}

/** To the coordinator: a key `tx` parked on got elements. */
export interface ReadyMessage {
  readonly t: 'ready';
  readonly tx: string;
}

/** Core `from` (re)started: every lock and park of its earlier life dies. */
export interface ResetMessage {
  readonly t: 'reset';
  readonly from: number;
}

export type TxMessage =
  | LockMessage
  | WriteMessage
  | CommitMessage
  | ReleaseMessage
  | UnparkMessage
  | ReadyMessage
  | ResetMessage;

/** From the main thread: listen on `port` (0: any) at `host`; the reply is the port. */
export interface ListenMessage {
  readonly t: 'listen';
  readonly port: number;
  readonly host: string;
}

export type CoreMessage = RunMessage | TakeMessage | GoneMessage | ListenMessage | TxMessage;

/** The name of the BroadcastChannel a core posts `'shutdown'` on (SHUTDOWN from a client). */
export const SHUTDOWN_CHANNEL = 'corelane-kv:shutdown';

/** What every core gets as `ctx.data`. */
export interface CoreData {
  readonly requirepass?: string;
  /** Each core logs under `<dir>/core-<i>`; absent: no persistence. */
  readonly dir?: string;
  readonly appendfsync: 'always' | 'everysec' | 'no';
  /** When each core checkpoints its shard and truncates its log (0: no such bound). */
  readonly checkpointBytes: number;
  readonly checkpointEvery: number;
  /** Bytes of each WAL segment; absent: the reactor's default. */
  readonly walSegmentBytes?: number;
  /** How often active expiry runs on each core's timer wheel, in ms. */
  readonly expireIntervalMs: number;
  /** The most bytes of one cross-core command's piece for one owner (start.ts: the mesh's record limit). */
  readonly maxPieceBytes: number;
}
