import { defineConfig, type Options } from 'tsup';

/**
 * The one build every publishable package uses: ESM + CJS + .d.ts for each entry.
 * `@corelane/shared` (private) is bundled in, so each package installs and works alone.
 */
export function libraryConfig(entry: Options['entry'] = ['src/index.ts'], extra: Options = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    target: 'node22',
    platform: 'node',
    dts: true,
    sourcemap: true,
    clean: true,
    shims: true,
    noExternal: ['@corelane/shared'],
    ...extra,
  });
}
