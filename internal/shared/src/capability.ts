import { deprecated } from './deprecation.js';

/**
 * Whether one feature works on this platform and build, and why (not): the value of every
 * `capabilities()` entry in every package (`{ name: { supported, reason } }`).
 */
export interface Capability {
  supported: boolean;
  /** Why it is supported (what it uses) or why not (what is missing). */
  reason: string;
  /** @deprecated Renamed to `supported` (`CORELANE_DEP0006`); kept for one release. */
  readonly available: boolean;
}

/**
 * A {@link Capability}. The old field name `available` stays readable for one release as a
 * non-enumerable getter (so `toEqual` and JSON see only the new shape) that warns once.
 */
export function capability(supported: boolean, reason: string): Capability {
  const entry = { supported, reason } as Capability;
  Object.defineProperty(entry, 'available', {
    enumerable: false,
    get(this: Capability): boolean {
      deprecated('CORELANE_DEP0006', 'capabilities().<feature>.available', 'capabilities().<feature>.supported');
      return this.supported;
    },
  });
  return entry;
}
