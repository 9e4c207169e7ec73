import { defineConfig } from 'tsup';

/** corelane-kv is an app, not a published library: ESM only, the library entry and the bin. */
export default defineConfig({
  entry: { index: 'src/index.ts', cli: 'src/cli.ts', core: 'src/runtime/core.ts' },
  format: ['esm'],
  target: 'node22',
  platform: 'node',
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
});
