import { Worker } from 'node:worker_threads';

/**
 * Test helper shared by every package (never bundled into a package): runs the worker script at
 * `script` (a package's test/workers/*.mjs, which imports the built package by name), resolves with
 * its first message, and always terminates it; bounded in time.
 */
export async function runWorker<T>(script: URL, workerData: unknown, timeoutMs = 20_000): Promise<T> {
  const name = script.pathname.split('/').pop();
  const worker = new Worker(script, { workerData });
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<T>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`${name} did not answer in ${timeoutMs} ms`)), timeoutMs);
      worker.once('message', (message: T) => resolve(message));
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`${name} exited with ${code} before answering`)));
    });
  } finally {
    clearTimeout(timer);
    await worker.terminate();
  }
}
