import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The result of loading a package's addon: the addon, or why it could not be loaded. */
export type NativeLoad<T> = { ok: true; addon: T } | { ok: false; reason: string };

/**
 * Loads the addon of the package whose root is one folder above `moduleUrl` (both `src/` and
 * `dist/` sit there): a prebuild from `prebuilds/<platform>-<arch>/` when one matches, else the
 * local build in `build/Release/`. Never throws; the caller turns `reason` into its
 * `capabilities()` answer and into `ERR_CORELANE_UNSUPPORTED` when an API needs the addon.
 */
export function loadNative<T>(moduleUrl: string): NativeLoad<T> {
  const packageRoot = fileURLToPath(new URL('..', moduleUrl));
  const require = createRequire(moduleUrl);
  try {
    const nodeGypBuild = require('node-gyp-build') as (dir: string) => T;
    return { ok: true, addon: nodeGypBuild(packageRoot) };
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { ok: false, reason: `native addon not loaded (${message})` };
  }
}
