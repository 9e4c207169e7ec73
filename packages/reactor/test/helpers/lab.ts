// Starts runtimes over test/cores/lab.mjs and always stops them, so no test leaves a worker behind.
import { atomicsWaitAsync } from '@corelane/shared';
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

/**
 * The main side of lab.mjs's gate: cores that reach it (a 'hold' message, a gated 'die') block
 * until `open()`. `data()` goes into the runtime's `data` option (the buffer is shared, not copied).
 */
export class Gate {
  readonly buffer = new SharedArrayBuffer(8);
  readonly #words = new Int32Array(this.buffer);

  data(): { gate: SharedArrayBuffer } {
    return { gate: this.buffer };
  }

  /** Resolves once `count` arrivals were counted in all (bounded). */
  async arrived(count = 1, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const seen = Atomics.load(this.#words, 1);
      if (seen >= count) return;
      if (Date.now() > deadline) throw new Error(`${seen} of ${count} arrivals at the gate in ${timeoutMs} ms`);
      // A core counts its arrival before it notifies, so a wait that starts after the count is
      // read either sees the count change (not-equal) or is woken by that notify.
      await atomicsWaitAsync(this.#words, 1, seen, 100).value;
    }
  }

  /** Lets every core held at the gate go (and any that reaches it later pass). */
  open(): void {
    Atomics.store(this.#words, 0, 1);
    Atomics.notify(this.#words, 0);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
