// The C append loop (native/append-loop.c): compiled once per source (cached in the temp dir by
// its hash), run as a child process like fio. A string says why it cannot run here.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../../harness/worker.js';

const run = promisify(execFile);
const LIBURING_HEADER = '/usr/include/liburing.h';
let compiled: Promise<string | { binary: string }> | null = null;

async function compile(): Promise<string | { binary: string }> {
  if (!existsSync(LIBURING_HEADER)) return 'liburing is not installed (Debian package liburing-dev)';
  const source = join(packageRoot(), 'src', 'suites', 'uring', 'native', 'append-loop.c');
  const flags = ['-O2', '-Wall', '-Wextra'];
  const hash = createHash('sha1').update(readFileSync(source)).update(flags.join(' ')).digest('hex');
  const dir = join(tmpdir(), `corelane-bench-uring-${hash.slice(0, 12)}`);
  const binary = join(dir, 'append-loop');
  if (existsSync(binary)) return { binary };
  mkdirSync(dir, { recursive: true });
  try {
    await run('gcc', [...flags, source, '-o', binary, '-luring'], { timeout: 120_000 });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') return 'gcc is not installed (Debian package gcc)';
    return `gcc could not build the C append loop: ${(e.stderr ?? e.message).split('\n').slice(0, 3).join(' ')}`;
  }
  return { binary };
}

/** Compiles the C append loop once per process; a string says why it cannot run. */
export function cAppendLoop(): Promise<string | { binary: string }> {
  compiled ??= compile();
  return compiled;
}

/** One sample of the C loop: `bytes` written and fdatasync'ed at a time into `path` for `ms`; appends per second. */
export async function cLinkedAppends(binary: string, path: string, bytes: number, ms: number): Promise<number> {
  const { stdout } = await run(binary, [path, String(bytes), String(ms)], { timeout: ms + 30_000 });
  const { appends, elapsedNs } = JSON.parse(stdout) as { appends: number; elapsedNs: number };
  if (!(appends > 0 && elapsedNs > 0)) throw new Error(`the C append loop measured nothing: ${stdout}`);
  return appends / (elapsedNs / 1e9);
}
