import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** How `describeExamples()` runs each example. */
export interface ExampleRunOptions {
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * The examples are what a package's README and the docs show: this runs each one for real, so
 * none can rot. `packageRoot` holds `examples/*.ts` and `README.md`; `expected` maps every
 * example file to what its output must match. Also checks that the README opens with
 * `examples/quick-start.ts`, verbatim.
 */
export function describeExamples(
  packageRoot: URL,
  expected: Record<string, RegExp>,
  options: ExampleRunOptions = {},
): void {
  const examples = readdirSync(new URL('examples/', packageRoot)).filter((f) => f.endsWith('.ts'));

  describe('examples', () => {
    it('every example has an expectation', () => {
      expect([...examples].sort()).toEqual(Object.keys(expected).sort());
    });

    it.each(examples)('%s runs and prints what it promises', (file) => {
      const out = execFileSync(process.execPath, [`examples/${file}`], {
        cwd: packageRoot,
        encoding: 'utf8',
        timeout: options.timeoutMs ?? 30_000,
        env: options.env ?? process.env,
      });
      expect(out).toMatch(expected[file] as RegExp);
    });

    it('the README opens with the quick-start example, verbatim', () => {
      const readme = readFileSync(new URL('README.md', packageRoot), 'utf8');
      const firstBlock = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
      expect(firstBlock).toBe(readFileSync(new URL('examples/quick-start.ts', packageRoot), 'utf8'));
    });
  });
}
