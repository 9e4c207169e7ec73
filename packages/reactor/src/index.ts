/**
 * @corelane/reactor: the thread-per-core runtime for Node.js — one pinned worker per core, a
 * mesh of shared-memory SPSC rings between them, keys routed bit-exact with Rust's
 * `fxhash::hash64(key) % n`, and a per-core loop with timers and io_uring.
 * @packageDocumentation
 */
export { CorelaneError, CorelaneRangeError, CorelaneTypeError, ErrorCode } from '@corelane/shared';
export type { Codec, CodecOption } from './codec/codec.js';
export type { CoreContext, CoreListenOptions } from './core/context-types.js';
export type { CoreWalOptions, FsyncPolicy, StateHost, StateSpec } from './core/state-seam.js';
export { type CoreDefinition, defineCore, isCoreDefinition, type Key } from './define-core.js';
export type { LatencySummary } from './main/latency.js';
export { type HandlerErrorEvent, type RestartEvent, Runtime, type StuckEvent } from './main/runtime.js';
export type { CoreStats, RuntimeStats } from './main/stats.js';
export type {
  BackpressureOptions,
  BackpressurePolicy,
  IdleOptions,
  IdleStrategy,
  RestartOptions,
  RuntimeOptions,
} from './options.js';
export { TimerWheel } from './timers/timer-wheel.js';
export type { TimerId, Timers } from './timers/timers.js';
