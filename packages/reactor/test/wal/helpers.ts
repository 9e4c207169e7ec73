// What the WAL and state tests share: temporary directories, self-checking payloads, the two
// uring backends, and a line-oriented child process the crash tests drive and kill.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

export { payload, readPayload } from './payload.js';

/** Every test file runs its cases once per backend. */
export const backends = ['io_uring', 'threadpool'] as const;

/** A seeded xorshift in [0, 1): random moments and shapes that differ per seed but rerun alike. */
export function seededRandom(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

/** A fresh directory under os.tmpdir(), removed when the test file finishes. */
export function tempDir(prefix = 'corelane-wal-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The environment of a child that must run on `backend` (`CORELANE_URING=off` for the thread pool). */
export function backendEnv(backend: (typeof backends)[number]): NodeJS.ProcessEnv {
  const { CORELANE_URING: _drop, ...env } = process.env;
  return backend === 'threadpool' ? { ...env, CORELANE_URING: 'off' } : env;
}

/** A child process speaking lines on stdout; `next()` waits for the next line (bounded). */
export class LineChild {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  #waiters: (() => void)[] = [];
  #exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr = '';

  constructor(script: string, args: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, [script, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let partial = '';
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      partial += chunk;
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      this.lines.push(...parts);
      for (const w of this.#waiters.splice(0)) w();
    });
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.#exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        for (const w of this.#waiters.splice(0)) w();
        resolve({ code, signal });
      });
    });
  }

  get exitCode(): number | null {
    return this.child.exitCode;
  }

  /** Waits until `predicate` holds for the lines so far; rejects after `timeoutMs` or if the child exits first. */
  async waitFor(predicate: (lines: string[]) => boolean, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.lines)) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`child exited (${this.child.exitCode ?? this.child.signalCode}) early: ${this.stderr}`);
      }
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`child did not answer in ${timeoutMs} ms; lines: ${this.lines.slice(-5).join(' | ')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1000));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  send(line: string): void {
    this.child.stdin?.write(`${line}\n`);
  }

  kill(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.child.kill('SIGKILL');
    return this.#exited;
  }

  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.#exited;
  }
}
