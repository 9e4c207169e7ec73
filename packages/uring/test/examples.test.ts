// The examples are what the README and the docs show: run each one for real, so none can rot.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url);
const examples = readdirSync(new URL('examples/', root)).filter((f) => f.endsWith('.ts'));

const expected: Record<string, RegExp> = {
  'quick-start.ts': /^read "hello, io_uring" through io_uring\n$/,
  'batch.ts': /^submitted 6 operations in one call\n3 records durable, 19 bytes\n$/,
  'cancel.ts': /^aborted: ERR_CORELANE_CANCELLED\ndestroyed: ERR_CORELANE_CANCELLED\n$/,
  'capabilities.ts': /^backend: io_uring \(io_uring_queue_init works here\)\n[\s\S]*fallback ring: threadpool/,
  'workers.ts': /^worker 0: 4096 bytes of 1 through io_uring\n[\s\S]*worker 3: 4096 bytes of 4 through io_uring\n$/,
};

describe('examples', () => {
  it('every example has an expectation here', () => {
    expect(examples.sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(examples)('%s runs and prints what it promises', (file) => {
    const out = execFileSync(process.execPath, [`examples/${file}`], {
      cwd: root,
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, CORELANE_URING: '' },
    });
    expect(out).toMatch(expected[file] as RegExp);
  });

  it('the README opens with the quick-start example, verbatim', () => {
    const readme = readFileSync(new URL('README.md', root), 'utf8');
    const firstBlock = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(firstBlock).toBe(readFileSync(new URL('examples/quick-start.ts', root), 'utf8'));
  });
});
