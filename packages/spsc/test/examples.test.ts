// The examples are what the README and the docs show: run each one for real, so none can rot.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url);
const examples = readdirSync(new URL('examples/', root)).filter((f) => f.endsWith('.ts'));

const expected: Record<string, RegExp> = {
  'quick-start.ts': /^sum of 1\.\.100000 = 5000050000\n$/,
  'byte-records.ts':
    /records can be up to 2040 bytes here\ngreeting: hello\ngreeting: bonjour\nfarewell: see you\nfarewell: bye\n/,
  'blocking-worker.ts': /^worker read 10000 values, total 24997500\n$/,
  'native-producer.ts': /^native thread wrote 100000 records, JS read 100000, 0 out of order\n$/,
};

describe('examples', () => {
  it('every example has an expectation here', () => {
    expect(examples.sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(examples)('%s runs and prints what it promises', (file) => {
    const out = execFileSync(process.execPath, [`examples/${file}`], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(out).toMatch(expected[file] as RegExp);
  });

  it('the README opens with the quick-start example, verbatim', () => {
    const readme = readFileSync(new URL('README.md', root), 'utf8');
    const firstBlock = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(firstBlock).toBe(readFileSync(new URL('examples/quick-start.ts', root), 'utf8'));
  });
});
