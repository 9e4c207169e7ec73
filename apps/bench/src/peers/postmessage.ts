import { MessageChannel } from 'node:worker_threads';
import { terminateAll, WorkerHandle } from '../harness/worker.js';
import type { Placement, RunResult } from '../workers/postmessage.js';

/** A rate measured in worker threads: `count` events in `seconds`. */
export interface Rate {
  count: number;
  seconds: number;
  /** count / seconds. */
  perSecond: number;
}

export interface PostMessagePairOptions {
  /** Pin the two workers to these CPUs (first, second), or leave them to the scheduler (`null`). */
  cpus: readonly [number, number] | null;
  /** Limit for starting and pinning both workers, in ms (default 10 000). */
  startTimeoutMs?: number;
}

function rate(result: RunResult): Rate {
  const seconds = result.elapsedNs / 1e9;
  if (!(result.count > 0 && seconds > 0)) throw new Error(`nothing measurable: ${result.count} in ${seconds} s`);
  return { count: result.count, seconds, perSecond: result.count / seconds };
}

/**
 * Two worker_threads that talk through a fresh MessageChannel per measurement, one number per
 * message: the plain Node.js baseline for moving data between threads. Optionally pinned to two
 * CPUs. Use it as the peer of anything that moves messages between cores.
 *
 * Always `close()` it (in a `finally`): it terminates both threads.
 */
export class PostMessagePair {
  readonly #a: WorkerHandle;
  readonly #b: WorkerHandle;
  /** Where each worker may run, as it reported after pinning (or not). */
  readonly placement: readonly [Placement, Placement];

  private constructor(a: WorkerHandle, b: WorkerHandle, placement: [Placement, Placement]) {
    this.#a = a;
    this.#b = b;
    this.placement = placement;
  }

  static async start(options: PostMessagePairOptions): Promise<PostMessagePair> {
    const timeoutMs = options.startTimeoutMs ?? 10_000;
    const started = await Promise.allSettled([
      WorkerHandle.start('postmessage', timeoutMs),
      WorkerHandle.start('postmessage', timeoutMs),
    ]);
    const [a, b] = started.map((s) => (s.status === 'fulfilled' ? s.value : undefined));
    try {
      for (const s of started) if (s.status === 'rejected') throw s.reason;
      if (!a || !b) throw new Error('worker did not start');
      const cpus = options.cpus;
      const placement = await Promise.all(
        [a, b].map((w, i) => w.call<Placement>('pin', { cpu: cpus ? cpus[i] : null }, [], timeoutMs)),
      );
      if (cpus) {
        placement.forEach((p, i) => {
          if (p.affinity.length !== 1 || p.affinity[0] !== cpus[i]) {
            throw new Error(`worker ${i} asked for CPU ${cpus[i]} but may run on [${p.affinity.join(',')}]`);
          }
        });
      }
      return new PostMessagePair(a, b, placement as [Placement, Placement]);
    } catch (error) {
      await terminateAll([a, b]);
      throw error;
    }
  }

  /**
   * The first worker sends a number, the second sends it back, `count` times (or until `capMs`):
   * round trips per second, timed in the first worker.
   */
  async pingPong(count: number, capMs: number): Promise<Rate> {
    const { port1, port2 } = new MessageChannel();
    const timeoutMs = capMs + 5_000;
    await this.#b.call('echo', { port: port2 }, [port2], timeoutMs);
    return rate(await this.#a.call<RunResult>('lead', { port: port1, count, capMs }, [port1], timeoutMs));
  }

  /**
   * The first worker posts `count` numbers one per message (or until `capMs`), the second
   * receives and checks them: messages per second, timed first to last message in the receiver.
   */
  async stream(count: number, capMs: number): Promise<Rate> {
    const { port1, port2 } = new MessageChannel();
    const timeoutMs = capMs + 5_000;
    const consumed = this.#b.call<RunResult>('consume', { port: port2, count, capMs }, [port2], timeoutMs);
    const produced = this.#a.call<RunResult>('produce', { port: port1, count, capMs }, [port1], timeoutMs);
    const [received] = await Promise.all([consumed, produced]);
    return rate(received);
  }

  /** Terminates both workers. */
  close(): Promise<void> {
    return terminateAll([this.#a, this.#b]);
  }
}
