import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ResourceLimits } from 'node:worker_threads';
import { availableCpus, capabilities, type PlacementOptions, planPlacement } from '@corelane/affinity';
import type { SharedMap } from '@corelane/lockfree';
import {
  CorelaneError,
  CorelaneRangeError,
  CorelaneTypeError,
  ErrorCode,
  isPowerOfTwo,
  optionalBoolean,
  requireInteger,
  requireOneOf,
  requireOptions,
} from '@corelane/shared';
import type { CodecOption } from './codec/codec.js';
import type { CoreWalOptions, DurableOptions, FsyncPolicy } from './core/state-seam.js';
import { MAX_CORES } from './mesh/layout.js';
import { resolveCheckpointEvery } from './state/checkpoint-every.js';
import { resolveWalOptions } from './wal/options.js';

/** How an idle core waits for work. */
export type IdleStrategy = 'spin' | 'park' | 'hybrid';

/** The `idle` option in full. */
export interface IdleOptions {
  /**
   * `'hybrid'` (default): poll 10 µs (all of `spinMs` while the core's own requests wait for
   * replies), then sleep on the doorbell (`Atomics.wait`, which blocks the worker's event loop)
   * for the rest of `spinMs`, then park. `'spin'`: never park.
   * `'park'`: park at once.
   */
  strategy?: IdleStrategy;
  /** How long an idle `'hybrid'` core spins before it parks (fractions allowed). Default 0.05 (50 µs). */
  spinMs?: number;
  /** A busy (or spinning) core yields to its Node event loop at least this often. Default 4. */
  yieldMs?: number;
}

/** What happens when a target's ring and its overflow queue are full. */
export type BackpressurePolicy = 'block' | 'error' | 'drop';

/** The `backpressure` option in full. */
export interface BackpressureOptions {
  /**
   * `'block'` (default): the main thread waits for room (`send()` blocks with `Atomics.wait`, up
   * to `timeoutMs`); a core keeps the message and stops taking work from the main thread
   * until its queues drain. `'error'`: throw `ERR_CORELANE_BACKPRESSURE`, nothing queued.
   * `'drop'`: skip the message, count it, return false.
   */
  policy?: BackpressurePolicy;
  /** Messages a full ring may park in its overflow queue before the policy applies. Default 4096. */
  overflow?: number;
  /** `'block'` on the main thread: the longest one `send()` waits, then `ERR_CORELANE_TIMEOUT`. Default 30000. */
  timeoutMs?: number;
}

/** The `restart` option in full. */
export interface RestartOptions {
  /** Restarts of one core allowed within `windowMs`; past it the runtime fails. Default 3; 0 never restarts. */
  max?: number;
  /** The window of `max`. Default 60000. */
  windowMs?: number;
}

/** Options of `Runtime.start()`. */
export interface RuntimeOptions {
  /** The module every core loads: its default export is a `defineCore()` definition. A file URL or a path. */
  module: URL | string;
  /**
   * How many cores: a count, `'all'` (default: one per physical core this process may use), or
   * the CPU ids to pin them to. Counts are placed with `planPlacement()`, avoiding SMT siblings
   * while there are enough whole cores.
   */
  cores?: number | 'all' | readonly number[];
  /** Pin each core's thread to its CPU (default true). False: no pinning, any count of cores. */
  pin?: boolean;
  /** Passed to `planPlacement()` (`policy`, `reserve`, `avoidSmtSiblings`). */
  placement?: Omit<PlacementOptions, 'topology'>;
  /** How an idle core waits: `'hybrid'` (default), `'spin'`, `'park'`, or the options in full. */
  idle?: IdleStrategy | IdleOptions;
  /** Bytes of each ring of the mesh: a power of two, 4096..2^30. Default 262144 (256 KiB). */
  ring?: number;
  /** When a target is full: `'block'` (default), `'error'`, `'drop'`, or the options in full. */
  backpressure?: BackpressurePolicy | BackpressureOptions;
  /** How values cross the rings: `'msgpack'` (default), `'raw'`, or `{ encode, decode }` (also set as the definition's `codec`). */
  codec?: CodecOption;
  /** Restart limits of a core that dies: a count per minute, or the options in full. */
  restart?: number | RestartOptions;
  /** A core whose loop has not turned for this long is reported stuck (event `'stuck'`). Default 1000. */
  heartbeatMs?: number;
  /** Records a core takes from one ring before it turns to the next. Default 256. */
  budget?: number;
  /**
   * After sending requests, the main thread spins up to this long for a reply before it parks
   * (fractions allowed), as a `'hybrid'` core does for work. Default 0.05 (50 µs); 0 never
   * spins. A request loop whose replies come back within it never sleeps (no futex wake per
   * round trip); the spinning of one event-loop turn adds up to at most `idle.yieldMs`, then
   * the main thread parks and its event loop runs.
   */
  replySpinMs?: number;
  /** Any structured-cloneable value, given to every core as `ctx.data`. */
  data?: unknown;
  /**
   * A `SharedMap` of `@corelane/lockfree` that every core reads and writes directly, without a
   * message (configuration, routing tables, a global index): each core attaches it at start
   * (and again after a restart) as `ctx.shared`, and releases its side when it ends. The main
   * thread keeps using the map it passed. It needs an epoch slot per core plus one for this
   * thread: create it with `threads` of at least `cores + 1`.
   */
  shared?: SharedMap;
  /** Memory limits of each core's worker (`worker_threads` `resourceLimits`). */
  resourceLimits?: ResourceLimits;
  /**
   * Durable state (`defineCore({ state })`): the directory under which each core keeps its WAL
   * and checkpoints, core `i` in `<dataDir>/core-<i>` (created when missing).
   */
  dataDir?: string | URL;
  /**
   * Durable state: when a commit is durable (see `FsyncPolicy` of `@corelane/reactor/wal`).
   * `'always'` (default): `ctx.commit()` resolves once its group is written and fdatasync'ed.
   * `'interval'`: fdatasync every `intervalMs`; a power loss can lose that much. `'none'`:
   * written back by the OS; a power loss can lose any commit. A process crash loses none.
   */
  fsync?: FsyncPolicy;
  /** With `fsync: 'interval'`: milliseconds between fdatasyncs. Default 100 (1..60000). */
  intervalMs?: number;
  /** Durable state: each core checkpoints (in the background) once this many records or log bytes followed the last one. */
  checkpointEvery?: { records?: number; bytes?: number };
  /** Durable state: the WAL of every core (segment size, group size, ring backend). */
  wal?: CoreWalOptions;
}

/** The options, checked and resolved, as the main thread and every core use them. */
export interface Plan {
  moduleUrl: string;
  cores: number;
  /** The CPU of each core, or null when not pinned. */
  cpus: (number | null)[];
  /** Why cores are not pinned (empty when they are). */
  pinReason: string;
  idle: Required<IdleOptions>;
  ring: number;
  policy: BackpressurePolicy;
  overflow: number;
  blockTimeoutMs: number;
  codec: 'msgpack' | 'raw' | 'custom';
  restartMax: number;
  restartWindowMs: number;
  heartbeatMs: number;
  budget: number;
  replySpinMs: number;
  dataDir: string | null;
  /** How each core keeps its durable state (used only with `dataDir`). */
  durable: DurableOptions;
}

const typeError = (message: string) => new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, message);

function requireNumber(name: string, value: unknown, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw typeError(`${name} must be a number, got ${typeof value}`);
  if (!(value >= min && value <= max)) {
    throw new CorelaneRangeError(ErrorCode.OUT_OF_RANGE, `${name} must be in ${min}..${max}, got ${value}`);
  }
  return value;
}

/** The module option as a file URL that exists; `ERR_CORELANE_BAD_MODULE` otherwise. */
export function resolveModule(module: unknown): URL {
  let url: URL;
  if (module instanceof URL) url = module;
  else if (typeof module === 'string' && module.length > 0) {
    url = module.startsWith('file:') ? new URL(module) : pathToFileURL(resolve(module));
  } else {
    throw typeError(`module must be a file URL or a path, got ${module === null ? 'null' : typeof module}`);
  }
  if (url.protocol !== 'file:') {
    throw new CorelaneTypeError(ErrorCode.BAD_MODULE, `module must be a file: URL, got ${url.protocol}`);
  }
  if (!existsSync(fileURLToPath(url))) {
    throw new CorelaneError(ErrorCode.BAD_MODULE, `module ${fileURLToPath(url)} does not exist`);
  }
  return url;
}

function resolveIdle(option: unknown): Required<IdleOptions> {
  const strategies: IdleStrategy[] = ['spin', 'park', 'hybrid'];
  if (option === undefined || typeof option === 'string') {
    return { strategy: requireOneOf('idle', option ?? 'hybrid', strategies), spinMs: 0.05, yieldMs: 4 };
  }
  const o = requireOptions('idle', option as IdleOptions);
  return {
    strategy: requireOneOf('idle.strategy', o.strategy ?? 'hybrid', strategies),
    spinMs: requireNumber('idle.spinMs', o.spinMs, 0, 1000, 0.05),
    yieldMs: requireNumber('idle.yieldMs', o.yieldMs, 0.1, 1000, 4),
  };
}

function resolveBackpressure(option: unknown): { policy: BackpressurePolicy; overflow: number; timeoutMs: number } {
  const policies: BackpressurePolicy[] = ['block', 'error', 'drop'];
  const o: { policy?: unknown; overflow?: unknown; timeoutMs?: unknown } =
    typeof option === 'string' || option === undefined
      ? { policy: option }
      : requireOptions('backpressure', option as BackpressureOptions);
  return {
    policy: requireOneOf('backpressure.policy', o.policy ?? 'block', policies),
    overflow: requireInteger('backpressure.overflow', o.overflow ?? 4096, 0, 2 ** 30),
    timeoutMs: requireInteger('backpressure.timeoutMs', o.timeoutMs ?? 30_000, 0, 2 ** 31 - 1),
  };
}

function resolveRestart(option: unknown): { max: number; windowMs: number } {
  if (typeof option === 'number' || option === undefined) {
    return { max: requireInteger('restart', option ?? 3, 0, 1_000_000), windowMs: 60_000 };
  }
  const o = requireOptions('restart', option as RestartOptions);
  return {
    max: requireInteger('restart.max', o.max ?? 3, 0, 1_000_000),
    windowMs: requireInteger('restart.windowMs', o.windowMs ?? 60_000, 1, 2 ** 31 - 1),
  };
}

/** The durable-state options, checked as `Wal.open()` and `DurableState.open()` check them. */
function resolveDurable(options: RuntimeOptions): DurableOptions {
  const wal = requireOptions('wal', options.wal);
  const { fsync, segmentSize, maxGroupBytes, zeroAheadBytes, maxGroupsInFlight, backend } = resolveWalOptions(
    'dataDir',
    {
      ...(options.fsync === undefined ? {} : { fsync: options.fsync }),
      ...(options.intervalMs === undefined ? {} : { intervalMs: options.intervalMs }),
      ...(wal.segmentSize === undefined ? {} : { segmentSize: wal.segmentSize }),
      ...(wal.maxGroupBytes === undefined ? {} : { maxGroupBytes: wal.maxGroupBytes }),
      ...(wal.zeroAheadBytes === undefined ? {} : { zeroAheadBytes: wal.zeroAheadBytes }),
      ...(wal.maxGroupsInFlight === undefined ? {} : { maxGroupsInFlight: wal.maxGroupsInFlight }),
      ...(wal.backend === undefined ? {} : { backend: wal.backend }),
    },
  );
  const { records, bytes } = resolveCheckpointEvery('checkpointEvery', options.checkpointEvery);
  return {
    fsync,
    ...(options.intervalMs === undefined ? {} : { intervalMs: options.intervalMs }),
    checkpointEvery: { ...(records > 0 ? { records } : {}), ...(bytes > 0 ? { bytes } : {}) },
    wal: { segmentSize, maxGroupBytes, zeroAheadBytes, maxGroupsInFlight, backend },
  };
}

function resolveDataDir(option: unknown): string | null {
  if (option === undefined) return null;
  if (option instanceof URL) return fileURLToPath(option);
  if (typeof option === 'string' && option.length > 0) return resolve(option);
  throw typeError(`dataDir must be a path or a file URL, got ${typeof option}`);
}

function physicalCoreCount(placement: Omit<PlacementOptions, 'topology'>): number {
  for (let n = availableCpus().length; n > 1; n--) {
    try {
      planPlacement(n, { ...placement, avoidSmtSiblings: true });
      return n;
    } catch {}
  }
  return 1;
}

/** Chooses each core's CPU (or none). Throws a typed error; touches no thread. */
function resolveCpus(
  cores: unknown,
  pin: boolean,
  placementOption: unknown,
): { cpus: (number | null)[]; pinReason: string } {
  const placement = requireOptions('placement', placementOption as PlacementOptions);
  if (Array.isArray(cores)) {
    if (cores.length === 0) throw new CorelaneRangeError(ErrorCode.EMPTY_CPU_SET, 'cores must name at least one CPU');
    if (cores.length > MAX_CORES) throw new CorelaneRangeError(ErrorCode.OUT_OF_RANGE, `at most ${MAX_CORES} cores`);
    const seen = new Set<number>();
    const available = pin ? new Set(availableCpus()) : null;
    cores.forEach((cpu: unknown, i) => {
      requireInteger(`cores[${i}]`, cpu, 0, 2 ** 20);
      if (seen.has(cpu as number)) {
        throw new CorelaneRangeError(ErrorCode.OUT_OF_RANGE, `cores[${i}] repeats CPU ${cpu}`);
      }
      if (available !== null && !available.has(cpu as number)) {
        throw new CorelaneRangeError(
          ErrorCode.CPU_UNAVAILABLE,
          `cores[${i}] is CPU ${cpu}, which this process may not run on`,
        );
      }
      seen.add(cpu as number);
    });
    return pin ? { cpus: [...cores], pinReason: '' } : { cpus: cores.map(() => null), pinReason: 'pin: false' };
  }
  if (cores !== undefined && cores !== 'all' && typeof cores !== 'number') {
    throw typeError(`cores must be a count, 'all' or an array of CPU ids, got ${typeof cores}`);
  }
  if (!pin) {
    const n =
      cores === undefined || cores === 'all' ? availableCpus().length : requireInteger('cores', cores, 1, MAX_CORES);
    return { cpus: Array.from({ length: n }, () => null), pinReason: 'pin: false' };
  }
  const count =
    cores === undefined || cores === 'all'
      ? physicalCoreCount(placement)
      : requireInteger('cores', cores, 1, MAX_CORES);
  if (placement.avoidSmtSiblings !== undefined) return { cpus: planPlacement(count, placement), pinReason: '' };
  try {
    return { cpus: planPlacement(count, { ...placement, avoidSmtSiblings: true }), pinReason: '' };
  } catch {
    // Fewer whole cores than asked: share SMT siblings rather than refuse (stats() shows each CPU).
    return { cpus: planPlacement(count, placement), pinReason: '' };
  }
}

/**
 * The `shared` option, checked: a live SharedMap with an epoch slot for every core and this
 * thread. Structural, not `instanceof`: the caller's copy of @corelane/lockfree (ESM or CJS) may
 * not be the one the runtime loads.
 */
function resolveShared(option: unknown, cores: number): SharedMap | null {
  if (option === undefined) return null;
  const map = option as Partial<SharedMap> | null;
  const handle = typeof map === 'object' && map !== null ? map.handle : undefined;
  if (
    handle === undefined ||
    !(handle.map instanceof SharedArrayBuffer) ||
    !(handle.epochs instanceof SharedArrayBuffer) ||
    typeof map?.releaseThread !== 'function' ||
    typeof map.epochs?.slots !== 'number'
  ) {
    throw typeError(
      `shared must be a SharedMap of @corelane/lockfree, got ${option === null ? 'null' : typeof option === 'object' ? 'another object' : typeof option}`,
    );
  }
  if (map.closed === true) throw new CorelaneError(ErrorCode.CLOSED, 'shared: the SharedMap was closed');
  if (map.epochs.slots < cores + 1) {
    throw new CorelaneRangeError(
      ErrorCode.OUT_OF_RANGE,
      `shared: the SharedMap has ${map.epochs.slots} thread slots, and ${cores} cores plus the main thread need ${cores + 1}: ` +
        `create it with SharedMap.create({ threads: ${cores + 1} }) or more`,
    );
  }
  return map as SharedMap;
}

/** Checks every option and resolves it; throws a typed error before anything starts. */
export function resolveOptions(options: RuntimeOptions): {
  plan: Plan;
  moduleUrl: URL;
  resourceLimits: ResourceLimits | undefined;
  data: unknown;
  shared: SharedMap | null;
} {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw typeError('Runtime.start() takes an options object with at least { module }');
  }
  const moduleUrl = resolveModule(options.module);
  const idle = resolveIdle(options.idle);
  const ring = requireInteger('ring', options.ring ?? 2 ** 18, 4096, 2 ** 30);
  if (!isPowerOfTwo(ring))
    throw new CorelaneRangeError(ErrorCode.OUT_OF_RANGE, `ring must be a power of two, got ${ring}`);
  const bp = resolveBackpressure(options.backpressure);
  const codec =
    options.codec === undefined || options.codec === 'msgpack' ? 'msgpack' : options.codec === 'raw' ? 'raw' : 'custom';
  const restart = resolveRestart(options.restart);
  const heartbeatMs = requireInteger('heartbeatMs', options.heartbeatMs ?? 1000, 10, 2 ** 31 - 1);
  const budget = requireInteger('budget', options.budget ?? 256, 1, 2 ** 20);
  const replySpinMs = requireNumber('replySpinMs', options.replySpinMs, 0, 1000, 0.05);
  const dataDir = resolveDataDir(options.dataDir);
  const durable = resolveDurable(options);
  if (options.resourceLimits !== undefined) requireOptions('resourceLimits', options.resourceLimits);
  let pin = optionalBoolean('pin', options.pin, true);
  let pinReason = '';
  if (pin && !capabilities().pinThread.supported) {
    // Degrade loudly: no affinity here (not Linux, or no addon); stats() and `pinned` say so.
    pinReason = capabilities().pinThread.reason;
    pin = false;
  }
  const placed = resolveCpus(options.cores, pin, options.placement);
  const shared = resolveShared(options.shared, placed.cpus.length);
  return {
    moduleUrl,
    resourceLimits: options.resourceLimits,
    data: options.data,
    shared,
    plan: {
      moduleUrl: moduleUrl.href,
      cores: placed.cpus.length,
      cpus: placed.cpus,
      pinReason: pinReason || placed.pinReason,
      idle,
      ring,
      policy: bp.policy,
      overflow: bp.overflow,
      blockTimeoutMs: bp.timeoutMs,
      codec,
      restartMax: restart.max,
      restartWindowMs: restart.windowMs,
      heartbeatMs,
      budget,
      replySpinMs,
      dataDir,
      durable,
    },
  };
}
