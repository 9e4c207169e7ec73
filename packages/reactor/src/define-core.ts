import { CorelaneTypeError, ErrorCode } from '@corelane/shared';
import type { Codec } from './codec/codec.js';
import type { CoreContext } from './core/context-types.js';
import type { StateSpec } from './core/state-seam.js';

/** A key as `partition()` of `@corelane/router` takes it. */
export type { RouterKey as Key } from '@corelane/router';

/**
 * What one core runs, loaded once in every core (the default export of the runtime's module).
 * `onMessage` returns the reply (a value or a Promise); `key` is `undefined` for `broadcast`,
 * `sendTo` and `requestTo`.
 */
export interface CoreDefinition<S = unknown, R = unknown> {
  /** Runs once when the core starts (and again in a core restarted after a crash), before any message. */
  init?(ctx: CoreContext<S, R>): void | Promise<void>;
  /** Handles one message; its result (or the Promise's value) is the reply to a request. */
  onMessage(ctx: CoreContext<S, R>, key: import('@corelane/router').RouterKey | undefined, value: unknown): unknown;
  /** Runs once when the runtime stops, after every message sent before `stop()` was handled. */
  onStop?(ctx: CoreContext<S, R>): void | Promise<void>;
  /** The custom codec, when `Runtime.start({ codec })` names one: the same in every core. */
  codec?: Codec;
  /**
   * Durable per-core state: a deterministic reducer over committed records, kept in a WAL with
   * checkpoints under `Runtime.start({ dataDir })` (which it needs). Recovered before `init`;
   * `ctx.commit(record)` is the only way it changes; closed after `onStop`.
   */
  state?: StateSpec<S, R>;
}

/** Marks a definition made by `defineCore()`; `Symbol.for` so ESM and CJS copies agree. */
const BRAND = Symbol.for('corelane.reactor.core-definition');

/**
 * Declares what every core of a runtime runs; export the result as the module's default.
 *
 * @example
 * ```ts
 * export default defineCore({
 *   init(ctx) { ctx.timers.every(1000, () => {}); },
 *   onMessage(ctx, key, value) { return { core: ctx.core, key, value }; },
 * });
 * ```
 * @throws TypeError `ERR_CORELANE_INVALID_ARGUMENT` when `onMessage` is missing, a hook is not a
 *   function, or `state` lacks one of `init`, `apply`, `snapshot`, `restore`.
 */
export function defineCore<S = unknown, R = unknown>(definition: CoreDefinition<S, R>): CoreDefinition<S, R> {
  if (typeof definition !== 'object' || definition === null) {
    throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, 'defineCore() takes an object with onMessage()');
  }
  if (typeof definition.onMessage !== 'function') {
    throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, 'defineCore(): onMessage must be a function');
  }
  for (const hook of ['init', 'onStop'] as const) {
    if (definition[hook] !== undefined && typeof definition[hook] !== 'function') {
      throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, `defineCore(): ${hook} must be a function`);
    }
  }
  if (definition.state !== undefined) {
    const state = definition.state as unknown as Record<string, unknown> | null;
    if (typeof state !== 'object' || state === null) {
      throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, 'defineCore(): state must be an object');
    }
    for (const name of ['init', 'apply', 'snapshot', 'restore']) {
      if (typeof state[name] !== 'function') {
        throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, `defineCore(): state.${name} must be a function`);
      }
    }
  }
  return Object.freeze(Object.assign(Object.create(null), definition, { [BRAND]: true })) as CoreDefinition<S, R>;
}

/** True for what `defineCore()` returned. */
export function isCoreDefinition(value: unknown): value is CoreDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}
