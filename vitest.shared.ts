import { defineConfig } from 'vitest/config';

/**
 * The test settings every workspace package uses: the default console report, plus a JSON
 * report in .vitest/ that scripts/test-summary.mjs adds up after `pnpm ci`.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: '.vitest/results.json' }]],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
