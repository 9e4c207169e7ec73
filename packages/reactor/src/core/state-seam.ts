import { CorelaneError, ErrorCode } from '@corelane/shared';
import type { StateSpec as ReducerSpec } from '../state/durable-state.js';
import type { FsyncPolicy } from '../wal/options.js';
import type { CoreContext } from './context-types.js';

/**
 * The seam between a core and its durable state (issue 11). The core side only needs a
 * `StateHost`; `src/state/core-state.ts` opens one over `DurableState`, and
 * `src/core/worker-main.ts` registers it with `provideStateOpener()` before the core starts.
 * Without an opener, a core whose definition has `state` fails with `ERR_CORELANE_UNSUPPORTED`.
 */

export type { FsyncPolicy };

/**
 * A core's durable state: the reducer of `DurableState` (`@corelane/reactor/wal`), whose `apply`
 * also gets the core's `ctx` (for `ctx.core`, `ctx.data`; never to send: it runs in recovery too).
 */
export interface StateSpec<S = unknown, R = unknown> extends Omit<ReducerSpec<S, R>, 'apply'> {
  /**
   * The only way durable state changes: applied once per committed record, once it is durable,
   * and again to the same records on recovery. Returns the new state, or nothing when it changed
   * `state` in place. Must be deterministic and must not throw.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a reducer that changes the state in place returns nothing
  apply(state: S, record: R, ctx: CoreContext<S, R>): S | void;
}

/** The WAL options a runtime gives every core (`Runtime.start({ wal })`). */
export interface CoreWalOptions {
  /** Bytes of each WAL segment (preallocated). Default 64 MiB (64 KiB..1 GiB, a multiple of 4096). */
  segmentSize?: number;
  /** The most bytes one group commit writes. Default 1 MiB (4 KiB..segmentSize/2). */
  maxGroupBytes?: number;
  /**
   * Bytes past each WAL's last record kept overwritten with zeros ahead of the appends (saves
   * the fdatasync of a group a file-system journal commit on ext4/XFS). Default 4 MiB under
   * `'always'` (capped at `segmentSize`), 0 otherwise; 0..segmentSize.
   */
  zeroAheadBytes?: number;
  /**
   * Group commits in flight at once in each core's WAL under `'always'` (see
   * `WalOptions.maxGroupsInFlight`). Default 1 (1..8); above 1 only with `fsync: 'always'`.
   */
  maxGroupsInFlight?: number;
  /** The backend of each core's WAL ring: `'auto'` (default), `'io_uring'`, `'threadpool'`. */
  backend?: 'auto' | 'io_uring' | 'threadpool';
}

/** How every core of a runtime keeps its state: `Runtime.start()`'s options, checked. */
export interface DurableOptions {
  fsync: FsyncPolicy;
  /** With `fsync: 'interval'`. */
  intervalMs?: number;
  checkpointEvery?: { records?: number; bytes?: number };
  wal: CoreWalOptions;
}

/** What a core holds of its durable state. */
export interface StateHost<S = unknown, R = unknown> {
  readonly state: S;
  commit(record: R): Promise<void>;
  checkpoint(): Promise<void>;
  close(): Promise<void>;
}

/** What the core hands the opener besides the directory and the spec. */
export interface StateOpenOptions extends DurableOptions {
  /** The core's index. */
  core: number;
  /** The core's `ctx`, for `spec.apply(state, record, ctx)`. */
  ctx: CoreContext;
}

/** Opens (or recovers) the durable state of one core in `dir`. */
export type StateOpener = <S, R>(
  dir: string,
  spec: StateSpec<S, R>,
  options: StateOpenOptions,
) => Promise<StateHost<S, R>>;

let opener: StateOpener | null = null;

/** Registers the opener of durable state (once, by the core's worker). */
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
