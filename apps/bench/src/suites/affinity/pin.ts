import { spawnSync } from 'node:child_process';
import { availableCpus, capabilities, osThreadId, pinThread, threadAffinity, unpinThread } from '@corelane/affinity';
import type { BenchCase } from '../../harness/suite.js';
import { unavailable } from '../../harness/suite.js';
import { nsPerOp } from '../../harness/timing.js';

/** Pins thread `tid` to `cpu` the way a Node user can without an addon; throws when taskset fails. */
function taskset(cpu: number, tid: number): void {
  const run = spawnSync('taskset', ['-cp', String(cpu), String(tid)], { encoding: 'utf8' });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`taskset -cp ${cpu} ${tid} exited ${run.status}: ${run.stderr.trim()}`);
}

function sameSet(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Cost of pinning the calling thread: one `pinThread()` call vs one `taskset -cp` child process. */
export const pinCase: BenchCase = {
  name: 'pin a thread',
  metric: 'pin cost',
  unit: 'ns/op',
  higherIsBetter: false,
  ours: 'pinThread()',
  peer: 'taskset -cp (child process)',
  budgetMs: { quick: 8_000, full: 30_000 },
  description:
    'Pins the main thread to one CPU, again and again: @corelane/affinity pinThread(cpu) (one sched_setaffinity ' +
    'through N-API) vs spawnSync("taskset", ["-cp", cpu, tid]) on the same thread, what Node offers without an ' +
    "addon. The thread's affinity is restored after every sample.",
  setup(ctx) {
    const pin = capabilities().pinThread;
    if (!pin.supported) return unavailable(`pinThread() is not available here: ${pin.reason}`);
    const probe = spawnSync('taskset', ['--version'], { encoding: 'utf8' });
    if (probe.error) {
      const code = (probe.error as NodeJS.ErrnoException).code;
      return unavailable(
        code === 'ENOENT'
          ? 'taskset is not installed (it comes with util-linux)'
          : `taskset cannot run: ${probe.error.message}`,
      );
    }
    const cpu = availableCpus()[0];
    if (cpu === undefined) return unavailable('no CPU is available to this process');
    const tid = osThreadId();
    const before = threadAffinity();
    // The peer must really pin this thread, or its numbers would mean nothing.
    try {
      taskset(cpu, tid);
      const after = threadAffinity();
      if (!sameSet(after, [cpu])) {
        return unavailable(`taskset -cp ${cpu} ${tid} left this thread on [${after.join(',')}]`);
      }
    } finally {
      unpinThread();
    }
    if (!sameSet(threadAffinity(), before)) throw new Error('could not restore the thread affinity after taskset');

    const ours = ctx.quick
      ? { targetMs: 20, minIterations: 100, maxIterations: 200_000, batch: 100 }
      : { targetMs: 100, minIterations: 100, maxIterations: 1_000_000, batch: 100 };
    const peer = ctx.quick
      ? { targetMs: 100, minIterations: 3, maxIterations: 200 }
      : { targetMs: 400, minIterations: 5, maxIterations: 1_000 };
    return {
      ours: async () => {
        try {
          return nsPerOp(() => pinThread(cpu), ours);
        } finally {
          unpinThread();
        }
      },
      peer: async () => {
        try {
          return nsPerOp(() => taskset(cpu, tid), peer);
        } finally {
          unpinThread();
        }
      },
      teardown: () => {
        unpinThread();
      },
    };
  },
};
