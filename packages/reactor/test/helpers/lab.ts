// Starts runtimes over test/cores/lab.mjs and always stops them, so no test leaves a worker behind.
import { Runtime, type RuntimeOptions } from '../../dist/index.js';

export const LAB = new URL('../cores/lab.mjs', import.meta.url);

/** Runs `fn` against a runtime of the lab module; stops it whatever happens. */
export async function withLab<T>(options: Omit<RuntimeOptions, 'module'>, fn: (rt: Runtime) => Promise<T>): Promise<T> {
  const rt = await Runtime.start({ module: LAB, ...options });
  try {
    return await fn(rt);
  } finally {
    await rt.stop();
  }
}

/** Resolves once `rt` emits `event` (bounded). */
export function nextEvent<T>(rt: Runtime, event: string, timeoutMs = 20_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${event}' event in ${timeoutMs} ms`)), timeoutMs);
    rt.once(event, (value: T) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

export interface Report {
  core: number;
  received: number;
  checksum: number;
  wrongCore: number;
  outOfOrder: number;
  keys: number;
}

/** The checksum lab.mjs keeps for the 'rec' records it receives. */
export function recChecksum(sum: number, seq: number, ks: number): number {
  return (sum + seq * 31 + ks) % 2147483647;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
