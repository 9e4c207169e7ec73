import { type Capability, capability } from '@corelane/shared';
import { futexUnsupportedReason, unsupportedReason } from './native.js';

export type { Capability };

/** What this platform and build can do beyond the rings themselves (which need nothing native). */
export interface SpscCapabilities {
  /** `NativeRingThread`: the C++ twin running a producer or consumer (needs the addon). */
  nativeThreads: Capability;
  /**
   * Real futex(2) sleeps and wakes for JS sides (needs the addon, Linux): a JS side whose peer
   * is native sleeps in futex(2) and a native peer's wake reaches it at once; without it such a
   * side polls in 1 ms slices. Two JS sides never need it (`Atomics.wait`/`notify`).
   */
  futex: Capability;
}

/** Reports what this platform and build can do, with the reason where it cannot. */
export function capabilities(): SpscCapabilities {
  return {
    nativeThreads: capability(unsupportedReason === null, unsupportedReason ?? 'native addon loaded: C++ ring threads'),
    futex: capability(
      futexUnsupportedReason === null,
      futexUnsupportedReason ?? 'native addon loaded: JS sides sleep in futex(2) when their peer is native',
    ),
  };
}
