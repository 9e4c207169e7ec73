import { defineConfig } from 'vitest/config';

/** The install test (`pnpm run test:pack`, after `./dev pack`): its JSON report joins the CI summary. */
export default defineConfig({
  test: {
    root: new URL('.', import.meta.url).pathname,
    include: ['*.test.ts'],
    reporters: ['default', ['json', { outputFile: '.vitest/results.json' }]],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
