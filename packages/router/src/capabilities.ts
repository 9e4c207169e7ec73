import { type Capability, capability } from '@corelane/shared';
import { WASM_FROM, WASM_UP_TO, wasmUnavailableReason } from './fxhash64-wasm.js';
import { unsupportedReason } from './native.js';

export type { Capability };

/** What this package can do on this machine. */
export interface RouterCapabilities {
  /**
   * `hashBatch()`, the native batch hasher: unsupported when the addon neither matched a prebuild
   * nor compiled. Every other function works without it.
   */
  hashBatch: Capability;
  /**
   * Long keys (byte keys from 32 B, strings from 32 UTF-8 bytes unless short ASCII) hashed in
   * WebAssembly (64-bit multiplies), a speed-up only: without
   * WebAssembly (`node --jitless`) the same hashes come from plain JavaScript.
   */
  wasmLongKeys: Capability;
}

/** Reports whether the native batch hasher and the WebAssembly path loaded, and why not when they did not. */
export function capabilities(): RouterCapabilities {
  return {
    hashBatch:
      unsupportedReason === null ? capability(true, 'native addon loaded') : capability(false, unsupportedReason),
    wasmLongKeys:
      wasmUnavailableReason === null
        ? capability(true, `keys of ${WASM_FROM} to ${WASM_UP_TO} bytes are hashed in WebAssembly`)
        : capability(false, wasmUnavailableReason),
  };
}
