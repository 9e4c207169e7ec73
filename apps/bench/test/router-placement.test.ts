import { availableCpus, capabilities, threadAffinity } from '@corelane/affinity';
import { describe, expect, it } from 'vitest';
import { terminateAll, WorkerHandle } from '../src/harness/worker.js';
import { place, unplace } from '../src/suites/router/placement.js';

// Runs the built worker script (dist/workers/router.js). Asserts where threads may run, never speed.
describe('Router throughput placement (the same for ours and the peer)', () => {
  const canPin = capabilities().pinThread.supported && availableCpus().length >= 2;
  it.runIf(canPin)(
    'gives the producer a CPU of its own and the consumers the others, then unpins it',
    { timeout: 60_000 },
    async () => {
      const cpus = availableCpus();
      const workers = await Promise.all([WorkerHandle.start('router', 10_000), WorkerHandle.start('router', 10_000)]);
      try {
        const placement = await place(workers, 10_000);
        const producer = cpus[0] as number;
        expect(placement.cpus?.producer).toBe(producer);
        expect(threadAffinity()).toEqual([producer]);
        expect(placement.cpus?.consumers).toHaveLength(2);
        for (const cpu of placement.cpus?.consumers ?? []) {
          expect(cpu).not.toBe(producer);
          expect(cpus).toContain(cpu);
        }
        expect(placement.describe()).toContain(`CPU ${producer}`);
        unplace(placement);
        expect(threadAffinity()).toEqual(cpus);
      } finally {
        await terminateAll(workers);
      }
    },
  );
});
