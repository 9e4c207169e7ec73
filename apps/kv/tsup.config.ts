import { defineConfig } from 'tsup';

/** corelane-kv is an app, not a published library: ESM only, the library entry and the bin. */
export default defineConfig({
  entry: ['src/index.ts', 'src/cli.ts'],
  format: ['esm'],
  target: 'node22',
  platform: 'node',
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
});
