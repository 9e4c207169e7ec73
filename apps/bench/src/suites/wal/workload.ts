// What every side of the wal suite runs: a fresh directory in /tmp (a real disk: fdatasync
// costs what it costs), the records, and the appender loop ours and fs.promises share.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh directory under /tmp, removed by the returned function. */
export function benchDir(name: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `corelane-bench-wal-${name}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** One record of `size` bytes (contents do not matter to either side; the same for both). */
export function record(size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = (i * 131 + 7) & 0xff;
  return out;
}

/** `appenders` lanes, each awaiting one append after another for `ms`; returns appends per second. */
export async function appendLoop(appenders: number, ms: number, append: () => Promise<unknown>): Promise<number> {
  let done = 0;
  const start = performance.now();
  const deadline = start + ms;
  const lane = async (): Promise<void> => {
    while (performance.now() < deadline) {
      await append();
      done++;
    }
  };
  await Promise.all(Array.from({ length: appenders }, lane));
  return done / ((performance.now() - start) / 1000);
}
