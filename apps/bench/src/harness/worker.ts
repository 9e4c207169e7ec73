import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type TransferListItem, Worker } from 'node:worker_threads';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

/** The directory of this package (the one whose package.json is `@corelane/bench`). */
export function packageRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === '@corelane/bench') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the @corelane/bench package above ${from}`);
    dir = parent;
  }
}

/**
 * The built worker script `dist/workers/<name>.js`. Worker scripts are tsup entries of their own
 * (src/workers/*.ts); they are looked up from the package root so that the same code works
 * bundled in dist/ and from src/ under vitest.
 */
export function workerScript(name: string): URL {
  const file = join(packageRoot(), 'dist', 'workers', `${name}.js`);
  if (!existsSync(file)) {
    throw new Error(`worker script ${file} is missing: build first (pnpm --filter @corelane/bench build)`);
  }
  return pathToFileURL(file);
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * A worker_thread that answers requests (`call(op, args)` → the worker's handler result).
 * Every call has a timeout; if the worker dies or errs, every pending call rejects; `terminate()`
 * always ends the thread. Worker scripts serve requests with `serve()` from worker-serve.ts.
 */
export class WorkerHandle {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #dead: Error | null = null;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on('message', (reply: WorkerReply) => {
      const pending = this.#pending.get(reply.id);
      if (!pending) return;
      this.#pending.delete(reply.id);
      clearTimeout(pending.timer);
      if (reply.ok) pending.resolve(reply.result);
      else pending.reject(new Error(reply.error));
    });
    worker.on('error', (error) => this.#fail(error));
    worker.on('exit', (code) => this.#fail(new Error(`worker exited (code ${code})`)));
  }

  /** Starts `dist/workers/<name>.js` and waits until it answers a first `ping`. */
  static async start(name: string, timeoutMs: number): Promise<WorkerHandle> {
    const handle = new WorkerHandle(new Worker(workerScript(name), { name: `bench:${name}` }));
    try {
      await handle.call('ping', {}, [], timeoutMs);
    } catch (error) {
      await handle.terminate();
      throw error;
    }
    return handle;
  }

  #fail(error: Error): void {
    this.#dead ??= error;
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(error);
      this.#pending.delete(id);
    }
  }

  /** Sends `op` with `args` (transferring `transfer`) and resolves with the worker's answer. */
  call<T>(
    op: string,
    args: Record<string, unknown>,
    transfer: readonly TransferListItem[],
    timeoutMs: number,
  ): Promise<T> {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`worker call ${op} took longer than ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      const request: WorkerRequest = { id, op, args };
      this.#worker.postMessage(request, [...transfer]);
    });
  }

  /** Ends the thread (idempotent); pending calls reject. */
  async terminate(): Promise<void> {
    this.#fail(new Error('worker terminated'));
    await this.#worker.terminate();
  }
}

/** Terminates every handle, even when some fail. */
export async function terminateAll(handles: readonly (WorkerHandle | undefined)[]): Promise<void> {
  await Promise.allSettled(handles.map((h) => h?.terminate()));
}
