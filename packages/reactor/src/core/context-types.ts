import type { ListenOptions, Server, Socket } from 'node:net';
import type { SharedMap } from '@corelane/lockfree';
import type { RouterKey } from '@corelane/router';
import type { IoRing } from '@corelane/uring';
import type { Timers } from '../timers/timers.js';

/** Options of `ctx.listen()`: those of `server.listen()`; `reusePort` is always on. */
export type CoreListenOptions = Omit<ListenOptions, 'reusePort'> & { port: number };

/**
 * What a core's hooks get: who the core is, and how it talks to the others. Belongs to the
 * core's thread; never share it with another.
 */
export interface CoreContext<S = unknown, R = unknown> {
  /** This core's index, 0..cores-1. */
  readonly core: number;
  /** The number of cores. */
  readonly cores: number;
  /** The CPU this core is pinned to, or null when it is not pinned (`pin: false`, or no affinity on this platform). */
  readonly cpu: number | null;
  /** How many times this core was restarted before this start (0 on the first). */
  readonly restarts: number;
  /** `Runtime.start({ data })`, structured-cloned into every core. */
  readonly data: unknown;
  /**
   * The map of `Runtime.start({ shared })`, attached in this core: the same entries every
   * other core and the main thread see, read and written without a message (a `get` copies
   * the value out; `withValue()` reads it in place). Attached before `init` runs, and again in
   * a restarted core; this core's side is released when it ends.
   *
   * @throws `ERR_CORELANE_INVALID_STATE` when the runtime was started without `shared`.
   */
  readonly shared: SharedMap;
  /** The core that owns `key`: `partition(key, cores)` of `@corelane/router`. */
  owner(key: RouterKey): number;
  /**
   * Sends `value` to the core that owns `key` (this one included), through the mesh. Never
   * blocks: a full ring parks the message in a bounded overflow queue. Returns false when
   * the `'drop'` policy dropped it.
   */
  send(key: RouterKey, value: unknown): boolean;
  /** Sends to the core that owns `key` and resolves with its handler's reply. */
  request(key: RouterKey, value: unknown): Promise<unknown>;
  /** Sends `value` to core `core` (its handler gets `key` undefined). */
  sendTo(core: number, value: unknown): boolean;
  /** Requests from core `core` (its handler gets `key` undefined). */
  requestTo(core: number, value: unknown): Promise<unknown>;
  /** This core's timers, driven by its loop. */
  readonly timers: Timers;
  /** This core's io_uring (`@corelane/uring`), created on first use and closed when the core stops. */
  readonly io: IoRing;
  /**
   * Listens on `port` with `reusePort`: every core that listens on the same port gets its own
   * socket and the kernel spreads connections over them (Linux; Node >= 22.12; a runtime of one
   * core listens plainly elsewhere, more cores throw `ERR_CORELANE_UNSUPPORTED`). Resolves with
   * the server once it listens; it is closed when the core stops.
   */
  listen(port: number | CoreListenOptions, onConnection: (socket: Socket) => void): Promise<Server>;
  /**
   * The durable state (only with `defineCore({ state })` and `Runtime.start({ dataDir })`):
   * every record committed and durable, applied in order. Change it only through `commit()`.
   */
  readonly state: S;
  /**
   * Logs `record` in this core's WAL and, once it is durable under the fsync policy (sharing
   * a group commit with the core's other commits), applies it to `state` and resolves. Every
   * reply the core sends waits until the commits made before it are durable, awaited or not.
   */
  commit(record: R): Promise<void>;
}
