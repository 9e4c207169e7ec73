// corelane-kv on the corelane runtime, from the main thread: starts one core per CPU (each with
// its shard, and its WAL with a data dir), then has core 0 listen (port 0: any free one) and the
// others listen on the same port with reusePort, so the kernel spreads connections over them.
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { type RestartEvent, Runtime } from '@corelane/reactor';
import {
  CorelaneRangeError,
  CorelaneTypeError,
  ErrorCode,
  requireInteger,
  requireOneOf,
  requireOptions,
} from '@corelane/shared';
import type { AppendFsync } from './core-log.js';
import { kvCodec } from './kv-codec.js';
import { type CoreData, type ListenMessage, SHUTDOWN_CHANNEL } from './messages.js';

/** The default of `checkpointBytes`: Redis's auto-aof-rewrite-min-size. */
export const DEFAULT_CHECKPOINT_BYTES = 64 * 1024 * 1024;

/** Options of {@link startKvRuntime}. */
export interface KvRuntimeOptions {
  /** TCP port; 0 picks a free one (read it back from `port`). Default 6379. */
  port?: number;
  /** Address to listen on. Default 127.0.0.1. */
  bind?: string;
  /** How many cores (one shard each). Default: the available CPUs. */
  cores?: number;
  /** Persistence: each core logs its writes under `<dir>/core-<i>` and replays them at start. */
  dir?: string;
  /** When a write is durable before its reply, as Redis's `appendfsync`. Default `everysec`. */
  appendfsync?: AppendFsync;
  /**
   * Checkpoint a core's shard (and truncate its log) once this many log bytes followed the last
   * checkpoint, or the last snapshot's size if larger (Redis's auto-aof-rewrite-min-size with
   * percentage 100). 0: never by size. Default 64 MiB.
   */
  checkpointBytes?: number;
  /** Checkpoint once this many records followed the last checkpoint. 0 (default): never by count. */
  checkpointEvery?: number;
  /** Bytes of each WAL segment file (64 KiB..1 GiB, a multiple of 4096). Default 64 MiB. */
  walSegmentBytes?: number;
  /** When set, clients must AUTH with this password. */
  requirepass?: string;
  /** How often each core runs active expiry, in ms. Default 100. */
  expireIntervalMs?: number;
  /** The core module (default: `core.js` beside this file, as built); its `defineCore()` must name `kvCodec` as its codec. */
  module?: URL | string;
}

/** corelane-kv running on a runtime. */
export interface KvRuntime {
  readonly port: number;
  readonly cores: number;
  readonly runtime: Runtime;
  /** Resolves once stopped: `stop()`, or a client's SHUTDOWN. */
  readonly closed: Promise<void>;
  /** Stops every core (closing their connections and logs). Idempotent. */
  stop(): Promise<void>;
}

function optionalString(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'string') {
    throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, `${name} must be a string, got ${typeof value}`);
  }
}

/**
 * Bytes of each ring between two cores (and the main thread). One message through the mesh is at
 * most half a ring: a forwarded command, its reply, and each owner's piece of a cross-core
 * command must fit (a larger one is refused with an error, before anything changes). 1 MiB keeps
 * the mesh of 16 cores at 272 rings = 272 MiB.
 */
const MESH_RING_BYTES = 1024 * 1024;
/** What a piece may take of a mesh message: its record limit less room for the message's frame and fields. */
const MAX_PIECE_BYTES = MESH_RING_BYTES / 2 - 8 - 4096;

/**
 * Starts corelane-kv on `cores` cores of a corelane runtime; resolves once every core listens.
 * @throws `TypeError` `ERR_CORELANE_INVALID_ARGUMENT` / `RangeError` `ERR_CORELANE_OUT_OF_RANGE`
 *   for a bad option, before any core starts.
 */
export async function startKvRuntime(options: KvRuntimeOptions = {}): Promise<KvRuntime> {
  requireOptions('options', options);
  const port = options.port === undefined ? 6379 : requireInteger('options.port', options.port, 0, 65535);
  const cores =
    options.cores === undefined ? availableParallelism() : requireInteger('options.cores', options.cores, 1, 1024);
  const appendfsync = requireOneOf('options.appendfsync', options.appendfsync ?? 'everysec', [
    'always',
    'everysec',
    'no',
  ] as const);
  optionalString('options.bind', options.bind);
  optionalString('options.dir', options.dir);
  optionalString('options.requirepass', options.requirepass);
  const expireIntervalMs =
    options.expireIntervalMs === undefined
      ? 100
      : requireInteger('options.expireIntervalMs', options.expireIntervalMs, 1, 2 ** 31 - 1);
  const checkpointBytes =
    options.checkpointBytes === undefined
      ? DEFAULT_CHECKPOINT_BYTES
      : requireInteger('options.checkpointBytes', options.checkpointBytes, 0, Number.MAX_SAFE_INTEGER);
  const checkpointEvery =
    options.checkpointEvery === undefined
      ? 0
      : requireInteger('options.checkpointEvery', options.checkpointEvery, 0, Number.MAX_SAFE_INTEGER);
  const walSegmentBytes =
    options.walSegmentBytes === undefined
      ? undefined
      : requireInteger('options.walSegmentBytes', options.walSegmentBytes, 64 * 1024, 1024 * 1024 * 1024);
  if (walSegmentBytes !== undefined && walSegmentBytes % 4096 !== 0) {
    throw new CorelaneRangeError(
      ErrorCode.OUT_OF_RANGE,
      `options.walSegmentBytes must be a multiple of 4096, got ${walSegmentBytes}`,
    );
  }
  const data: CoreData = {
    appendfsync,
    checkpointBytes,
    checkpointEvery,
    ...(walSegmentBytes !== undefined ? { walSegmentBytes } : {}),
    expireIntervalMs,
    maxPieceBytes: MAX_PIECE_BYTES,
    ...(options.dir !== undefined ? { dir: resolve(options.dir) } : {}),
    ...(options.requirepass !== undefined ? { requirepass: options.requirepass } : {}),
  };
  const runtime = await Runtime.start({
    cores,
    // More cores than CPUs (a test, a small machine): unpinned, the OS shares the CPUs.
    pin: cores <= availableParallelism(),
    ring: MESH_RING_BYTES,
    module: options.module ?? new URL('./core.js', import.meta.url),
    // The object core.ts names in defineCore({ codec }) (one module instance in the build).
    codec: kvCodec,
    // A kv core's work comes from its sockets (its Node event loop) far more than from the mesh:
    // 'hybrid' (the default) spins and then sleeps in Atomics.wait for up to 50 µs after every
    // mesh record, and all that while the core's sockets go unread. Parked at once, the core's
    // event loop runs on (Atomics.waitAsync). Measured with --cores 2, redis-benchmark GET
    // -c 50, interleaved: -P 16 1.12x the requests a second, 0.93x the CPU per request; -P 1
    // unchanged.
    idle: 'park',
    data,
  });
  const host = options.bind ?? '127.0.0.1';
  let stopped: Promise<void> | null = null;
  const channel = new BroadcastChannel(SHUTDOWN_CHANNEL);
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((r) => {
    resolveClosed = r;
  });
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      channel.close();
      await runtime.stop();
      resolveClosed();
    })();
    return stopped;
  };
  channel.onmessage = () => void stop();
  (channel as unknown as { unref?: () => void }).unref?.();
  try {
    const listen = (p: number): ListenMessage => ({ t: 'listen', port: p, host });
    const bound = (await runtime.requestTo(0, listen(port))) as number;
    await Promise.all(Array.from({ length: cores - 1 }, (_, i) => runtime.requestTo(i + 1, listen(bound))));
    // A core the runtime restarted after a crash starts with no socket (its worker's closed with
    // it): it listens again on the port every core shares. Failing that, the server stops
    // loudly rather than serve on fewer cores.
    runtime.on('restart', ({ core }: RestartEvent) => {
      if (stopped !== null) return;
      runtime.requestTo(core, listen(bound)).catch((error: unknown) => {
        if (stopped !== null) return;
        process.stderr.write(`corelane-kv: core ${core} could not listen again after its restart: ${String(error)}\n`);
        void stop();
      });
    });
    return { port: bound, cores, runtime, closed, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
