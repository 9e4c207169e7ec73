import type { StateHost, StateOpener, StateOpenOptions, StateSpec } from '../core/state-seam.js';
import { DurableState } from './durable-state.js';

/**
 * Opens the durable state of one core (`defineCore({ state })`) in `dir`: a `DurableState`
 * whose reducer passes the core's `ctx` to `spec.apply`. The `DurableState` is the `StateHost`:
 * `commit()` resolves once the record is durable and applied, concurrent commits of the core's
 * requests share group commits, and `checkpointEvery` checkpoints in the background.
 */
export const openCoreState: StateOpener = <S, R>(
  dir: string,
  spec: StateSpec<S, R>,
  options: StateOpenOptions,
): Promise<StateHost<S, R>> => {
  const { ctx, fsync, intervalMs, checkpointEvery, wal } = options;
  const typed = ctx as Parameters<StateSpec<S, R>['apply']>[2];
  return DurableState.open<S, R>(
    dir,
    {
      init: () => spec.init(),
      apply: (state, record) => spec.apply(state, record, typed),
      snapshot: (state) => spec.snapshot(state),
      restore: (bytes) => spec.restore(bytes),
    },
    {
      fsync,
      ...(intervalMs === undefined ? {} : { intervalMs }),
      ...(checkpointEvery === undefined ? {} : { checkpointEvery }),
      wal,
    },
  );
};
