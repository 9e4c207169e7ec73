// Where the Router throughput case's threads run: the same for ours and the peer, for the whole
// case. The producer (this thread) gets the first available CPU to itself and the consumers share
// the others. Left to the scheduler, on a 2-CPU machine, a napping ring consumer sometimes woke
// on the producer's CPU and preempted it once per nap (~500 times per sample, the producer's
// loop ~2x slower), and sometimes never: the producer's speed then depended on where the
// scheduler put the consumers, not on either side's code. The peers' threads are placed the
// same way (the consumer workers are the same threads).
import { availableCpus, type Cpu, capabilities, pinThread, unpinThread } from '@corelane/affinity';
import type { WorkerHandle } from '../../harness/worker.js';

/** The placement of one case's threads, or why there is none. */
export interface Placement {
  /** The producer's CPU, then each consumer's; `null` where threads are not pinned. */
  cpus: { producer: Cpu; consumers: Cpu[] } | null;
  /** One line for the case's description. */
  describe(): string;
}

/**
 * Pins this thread and `consumers` as above; needs 2 CPUs and thread pinning, else pins
 * nothing. Undo with {@link unplace}.
 */
export async function place(consumers: readonly WorkerHandle[], timeoutMs: number): Promise<Placement> {
  const cpus = availableCpus();
  if (!capabilities().pinThread.supported || cpus.length < 2) {
    return { cpus: null, describe: () => 'Threads are not pinned (fewer than 2 CPUs, or no thread pinning here).' };
  }
  const producer = cpus[0] as Cpu;
  const rest = cpus.slice(1);
  const targets = consumers.map((_, i) => rest[i % rest.length] as Cpu);
  const placed = await Promise.all(
    consumers.map((worker, i) => worker.call<Cpu[]>('pin', { cpu: targets[i] }, [], timeoutMs)),
  );
  placed.forEach((affinity, i) => {
    if (affinity.length !== 1 || affinity[0] !== targets[i]) {
      throw new Error(`consumer ${i} asked for CPU ${targets[i]} but may run on [${affinity.join(',')}]`);
    }
  });
  pinThread(producer);
  return {
    cpus: { producer, consumers: targets },
    describe: () =>
      `Both sides run pinned the same way: the producer (main thread) on CPU ${producer}, the consumers on ` +
      `CPUs ${targets.join(', ')}.`,
  };
}

/** Lets this thread run on every CPU again (the consumers end with the case). */
export function unplace(placement: Placement): void {
  if (placement.cpus !== null) unpinThread();
}
