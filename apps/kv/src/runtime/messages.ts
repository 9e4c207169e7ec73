// What the cores of corelane-kv send each other (and the main thread sends them), through the
// runtime's mesh (msgpack). A command forwarded to the core owning its keys carries what of
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

/** Several RunMessages of one turn, run in order; the reply is the array of their replies. */
export interface RunBatchMessage {
  readonly t: 'runs';
  readonly runs: RunMessage[];
}

/** Session `sid` of core `from` closed: drop its parked commands and watches. */
export interface GoneMessage {
  readonly t: 'gone';
  readonly from: number;
  readonly sid: number;
}

/** From the main thread: listen on `port` (0: any) at `host`; the reply is the port. */
export interface ListenMessage {
  readonly t: 'listen';
  readonly port: number;
  readonly host: string;
}

export type CoreMessage = RunMessage | RunBatchMessage | GoneMessage | ListenMessage;

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
}
