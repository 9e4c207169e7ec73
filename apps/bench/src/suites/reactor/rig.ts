// Starting and stopping the runtimes and peer workers the reactor cases measure.
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Runtime, type RuntimeOptions } from '@corelane/reactor';
import { WorkerHandle, workerScript } from '../../harness/worker.js';

/** The core module every runtime of the suite runs. */
export const CORE_MODULE = () => workerScript('reactor-core');

/** Starts a runtime of the suite's core module. */
export function startRuntime(options: Omit<RuntimeOptions, 'module'>): Promise<Runtime> {
  return Runtime.start({ module: CORE_MODULE(), ...options });
}

/** Runs `fn` against a fresh runtime, stopped afterwards: a spinning runtime must not burn CPU while the peer runs. */
export async function withRuntime<T>(
  options: Omit<RuntimeOptions, 'module'>,
  fn: (rt: Runtime) => Promise<T>,
): Promise<T> {
  const rt = await startRuntime(options);
  try {
    return await fn(rt);
  } finally {
    await rt.stop();
  }
}

/** Keys of the keyed cases: short strings, as a service's user or session ids. */
export const KEYS = Array.from({ length: 1024 }, (_, i) => `user:${i * 7919}`);

/** A postMessage peer worker, with a fresh port per use. */
export class PeerWorker {
  private constructor(readonly handle: WorkerHandle) {}

  static async start(): Promise<PeerWorker> {
    return new PeerWorker(await WorkerHandle.start('reactor-peer', 10_000));
  }

  /** A port whose other end echoes every message. */
  async echo(): Promise<MessagePort> {
    const { port1, port2 } = new MessageChannel();
    await this.handle.call('echo', { port: port2 }, [port2], 10_000);
    return port1;
  }

  /** A port whose other end counts; `done` resolves with the count after a null is sent. */
  sink(timeoutMs: number): { port: MessagePort; done: Promise<number> } {
    const { port1, port2 } = new MessageChannel();
    return { port: port1, done: this.handle.call<number>('sink', { port: port2 }, [port2], timeoutMs) };
  }

  close(): Promise<void> {
    return this.handle.terminate();
  }
}

/** Resolves with the reply to the next message on `port`. */
export function nextMessage(port: MessagePort): Promise<unknown> {
  return new Promise((resolve) => port.once('message', resolve));
}

/** Median and p99 of samples. */
export function percentiles(samples: Float64Array): { median: number; p99: number } {
  const sorted = Float64Array.from(samples).sort();
  return { median: sorted[sorted.length >> 1] as number, p99: sorted[Math.floor(sorted.length * 0.99)] as number };
}
