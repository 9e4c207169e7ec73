import { CorelaneError, ErrorCode, loadNative } from '@corelane/shared';

/** What the C++ side exports (see native/threads.cc). */
export interface SpscAddon {
  start(
    view: Int32Array,
    kind: number,
    producer: boolean,
    count: number,
    batch: number,
    timeoutMs: number,
    fixedLength: number,
    maxLength: number,
  ): number;
  done(handle: number): boolean;
  join(
    handle: number,
  ): { count: number; checksum: number; errors: number; elapsedNs: number; timedOut: boolean } | null;
}

const loaded = loadNative<SpscAddon>(import.meta.url);

/** Why native ring threads cannot run here, or `null` when they can. The rings themselves never need the addon. */
export const unsupportedReason: string | null = loaded.ok ? null : loaded.reason;

/** The addon, or an `ERR_CORELANE_UNSUPPORTED` error naming what could not be done. */
export function addon(what: string): SpscAddon {
  if (!loaded.ok) throw new CorelaneError(ErrorCode.UNSUPPORTED, `${what} is not available: ${loaded.reason}`);
  return loaded.addon;
}
