import { CorelaneError, ErrorCode, loadNative, systemError } from '@corelane/shared';

/** What the C++ side exports on Linux (see native/affinity.cc). Errors come back as -errno. */
export interface AffinityAddon {
  supported: boolean;
  initialCpus(): number[];
  threadAffinity(): number[] | number;
  setThreadAffinity(cpus: number[]): number;
  currentCpu(): number;
  threadId(): number;
  setScheduler(policy: number, priority: number): number;
  setNice(nice: number): number;
  getScheduler(): { policy: number; priority: number; nice: number } | number;
  priorityRange(policy: number): [number, number];
  realtimeLimit(): number;
}

const loaded = loadNative<AffinityAddon>(import.meta.url);

/** Why the addon cannot serve on this platform, or `null` when it can. */
export const unsupportedReason: string | null = !loaded.ok
  ? loaded.reason
  : loaded.addon.supported
    ? null
    : `thread affinity is implemented for Linux only (this is ${process.platform})`;

/** The addon, or an `ERR_CORELANE_UNSUPPORTED` error naming `what` could not be done. */
export function addon(what: string): AffinityAddon {
  if (unsupportedReason !== null || !loaded.ok) {
    throw new CorelaneError(ErrorCode.UNSUPPORTED, `${what} is not available: ${unsupportedReason}`);
  }
  return loaded.addon;
}

/**
 * Throws the typed error for a negative errno a native call returned; passes results through.
 * `what` may be a function so that hot callers build their message only when they fail.
 */
export function check<T>(result: T | number, syscall: string, what: string | (() => string)): T {
  if (typeof result === 'number' && result < 0) {
    throw systemError(syscall, -result, typeof what === 'string' ? what : what());
  }
  return result as T;
}
