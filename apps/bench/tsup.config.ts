import { defineConfig } from 'tsup';

/**
 * The bench app is not published: ESM only. Every worker script is an entry of its own, because
 * `new Worker(url)` needs a real JS file under dist/ (dist/workers/<name>.js). `@corelane/shared`
 * (private, TypeScript sources) is bundled in, as every package bundles it.
 */
export default defineConfig({
  entry: ['src/cli.ts', 'src/workers/*.ts'],
  format: ['esm'],
  target: 'node22',
  platform: 'node',
  sourcemap: true,
  clean: true,
  noExternal: ['@corelane/shared'],
});
