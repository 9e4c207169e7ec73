import { CorelaneError, ErrorCode } from '@corelane/shared';

/**
 * The seam for per-core durable state (issue 11). The core side only needs an object of this
 * shape; `src/state/durable-state.ts` (`DurableState.open(dir, spec, opts)`) provides it. To
 * wire it, that module registers its opener once:
 *
 * ```ts
 * import { provideStateOpener } from '../core/state-seam.js';
 * provideStateOpener((dir, spec, opts) => DurableState.open(dir, spec, opts));
 * ```
 *
 * and `src/core/worker-main.ts` imports that module for its side effect. Until then, a core
 * whose definition has `state` fails to start with `ERR_CORELANE_UNSUPPORTED`.
 */
export interface StateSpec<S = unknown, R = unknown> {
  /** The state of a core with no checkpoint and no log. */
  init(): S;
  /** The only way durable state changes: deterministic, applied once per committed record. */
  apply(state: S, record: R, ctx: unknown): S | undefined;
  /** The state as bytes, for a checkpoint. */
  snapshot(state: S): Uint8Array;
  /** The state back from `snapshot()`'s bytes. */
  restore(bytes: Uint8Array): S;
}

/** The fsync policy of the write-ahead log. */
export type FsyncPolicy = 'always' | 'none' | { intervalMs: number };

/** What a core holds of its durable state. */
export interface StateHost<S = unknown, R = unknown> {
  readonly state: S;
  commit(record: R): Promise<void>;
  checkpoint(): Promise<void>;
  close(): Promise<void>;
}

/** What the core hands the opener besides the directory and the spec. */
export interface StateOpenOptions {
  fsync: FsyncPolicy;
  /** The core's index. */
  core: number;
  /** The core's `ctx`, for `spec.apply(state, record, ctx)`. */
  ctx: unknown;
}

/** Opens (or recovers) the durable state of one core in `dir`. */
export type StateOpener = <S, R>(
  dir: string,
  spec: StateSpec<S, R>,
  options: StateOpenOptions,
) => Promise<StateHost<S, R>>;

let opener: StateOpener | null = null;

/** Registers the opener of durable state (called once by the state module). */
export function provideStateOpener(open: StateOpener): void {
  opener = open;
}

/** Opens a core's durable state through the registered opener. */
export function openState<S, R>(
  dir: string,
  spec: StateSpec<S, R>,
  options: StateOpenOptions,
): Promise<StateHost<S, R>> {
  if (opener === null) {
    throw new CorelaneError(
      ErrorCode.UNSUPPORTED,
      'durable core state (defineCore({ state })) is not available in this build',
    );
  }
  return opener(dir, spec, options);
}
