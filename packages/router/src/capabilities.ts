import { unsupportedReason } from './native.js';

/** Whether one feature works here, and why (not). */
export interface Capability {
  available: boolean;
  reason: string;
}

/** What this package can do on this machine. */
export interface RouterCapabilities {
  /**
   * `hashBatch()`, the native batch hasher: unavailable when the addon neither matched a prebuild
   * nor compiled. Every other function is plain JavaScript and always available.
   */
  hashBatch: Capability;
}

/** Reports whether the native batch hasher loaded, and why not when it did not. */
export function capabilities(): RouterCapabilities {
  return {
    hashBatch:
      unsupportedReason === null
        ? { available: true, reason: 'native addon loaded' }
        : { available: false, reason: unsupportedReason },
  };
}
