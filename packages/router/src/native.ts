import { CorelaneError, ErrorCode, loadNative } from '@corelane/shared';

/**
 * What the C++ side exports (see native/hash_batch.cc). Each call hashes a whole batch into
 * `out` and returns the key count, or `-(i + 1)` for the first key `i` it could not read.
 */
export interface RouterAddon {
  hashPacked(data: Uint8Array, offsets: Uint32Array, utf8: boolean, out: BigUint64Array): number;
  hashArray(keys: readonly unknown[], out: BigUint64Array): number;
  hashWords(words: BigUint64Array | BigInt64Array, out: BigUint64Array): number;
}

const loaded = loadNative<RouterAddon>(import.meta.url);

/** Why the addon cannot serve, or `null` when it can. */
export const unsupportedReason: string | null = loaded.ok ? null : loaded.reason;

/** The addon, or an `ERR_CORELANE_UNSUPPORTED` error naming `what` could not be done. */
export function addon(what: string): RouterAddon {
  if (!loaded.ok) throw new CorelaneError(ErrorCode.UNSUPPORTED, `${what} is not available: ${loaded.reason}`);
  return loaded.addon;
}
