import { CorelaneError, ErrorCode, loadNative } from '@corelane/shared';

/** What the C++ side exports (native/threads.cc, native/futex.cc, native/layout.cc). */
export interface SpscAddon {
  start(
    view: Int32Array,
    kind: number,
    producer: boolean,
    count: number,
    publishEvery: number,
    timeoutMs: number,
    fixedLength: number,
    maxLength: number,
    lockstep: boolean,
  ): number;
  done(handle: number): boolean;
  join(
    handle: number,
  ): { count: number; checksum: number; errors: number; elapsedNs: number; timedOut: boolean } | null;
  /** layout.h's capacity rule: null when it accepts `capacity` for ring `kind`, else why not (for the tests). */
  capacityError(kind: number, capacity: number): string | null;
  /** Why this build cannot futex-wait (not Linux), or null. */
  futexUnsupported: string | null;
  /** Blocks in futex(FUTEX_WAIT) while `view[index] === expected`, at most `timeoutMs` (-1: no limit). 0 woken, 1 the value differed, 2 timed out, else -errno. */
  futexWait(view: Int32Array, index: number, expected: number, timeoutMs: number): number;
  /** futex(FUTEX_WAKE) on `view[index]`, every sleeper; returns how many woke or -errno. */
  futexWake(view: Int32Array, index: number): number;
  /** `futexWait` on a native thread; calls `done(result)` on this thread's event loop. */
  futexWaitAsync(
    view: Int32Array,
    index: number,
    expected: number,
    timeoutMs: number,
    done: (result: number) => void,
  ): void;
}

const loaded = loadNative<SpscAddon>(import.meta.url);

/** Why native ring threads cannot run here, or `null` when they can. The rings themselves never need the addon. */
export const unsupportedReason: string | null = loaded.ok ? null : loaded.reason;

/** Why a JS side cannot sleep in futex(2) here (no addon, or not Linux), or `null` when it can. */
export const futexUnsupportedReason: string | null = loaded.ok ? loaded.addon.futexUnsupported : loaded.reason;

/** The addon's futex calls when this platform has them, else null (the sides then poll a native peer). */
export const futex: SpscAddon | null = loaded.ok && futexUnsupportedReason === null ? loaded.addon : null;

/** The addon, or an `ERR_CORELANE_UNSUPPORTED` error naming what could not be done. */
export function addon(what: string): SpscAddon {
  if (!loaded.ok) throw new CorelaneError(ErrorCode.UNSUPPORTED, `${what} is not available: ${loaded.reason}`);
  return loaded.addon;
}
