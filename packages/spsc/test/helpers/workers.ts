import { Worker } from 'node:worker_threads';

/** Runs a worker script from test/workers, resolves with its first message; bounded in time. */
export async function runWorker<T>(script: string, workerData: unknown, timeoutMs = 20_000): Promise<T> {
  const worker = new Worker(new URL(`../workers/${script}`, import.meta.url), { workerData });
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<T>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`${script} did not answer in ${timeoutMs} ms`)), timeoutMs);
      worker.once('message', (message: T) => resolve(message));
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`${script} exited with ${code} before answering`)));
    });
  } finally {
    clearTimeout(timer);
    await worker.terminate();
  }
}
