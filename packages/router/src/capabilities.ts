import { type Capability, capability } from '@corelane/shared';
import { unsupportedReason } from './native.js';

export type { Capability };

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
      unsupportedReason === null ? capability(true, 'native addon loaded') : capability(false, unsupportedReason),
  };
}
