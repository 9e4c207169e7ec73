// One worker per core, each pinned to the CPU the placement plan gives it: the start of every
// thread-per-core runtime. Run: node examples/pin-workers.ts
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { availableCpus, currentCpu, pinThread, planPlacement } from '@corelane/affinity';

if (isMainThread) {
  const plan = planPlacement(Math.min(4, availableCpus().length), { policy: 'spread' });
  const reports = plan.map(
    (cpu, core) =>
      new Promise<string>((resolve, reject) => {
        const worker = new Worker(new URL(import.meta.url), { workerData: { core, cpu } });
        worker.once('message', resolve);
        worker.once('error', reject);
      }),
  );
  for (const line of await Promise.all(reports)) console.log(line);
} else {
  const { core, cpu } = workerData as { core: number; cpu: number };
  pinThread(cpu);
  parentPort?.postMessage(`core ${core}: pinned to CPU ${cpu}, running on CPU ${currentCpu()}`);
}
