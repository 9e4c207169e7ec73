import { CorelaneRangeError, CorelaneTypeError, ErrorCode, requireInteger } from '@corelane/shared';
import { formatCpuList } from './cpulist.js';
import { addon, check } from './native.js';

/** A CPU number as the kernel counts them (0-based, as in `taskset -c`). */
export type Cpu = number;

const MAX_CPU = 2 ** 20;

/**
 * The CPUs this process may run on: its affinity (`sched_getaffinity`) when the addon was first
 * loaded, so `taskset`, `numactl` and cgroup cpusets are respected, and a later `pinThread()`
 * of one thread does not shrink it.
 */
export function availableCpus(): Cpu[] {
  return addon('availableCpus()').initialCpus();
}

/** The CPUs the calling thread may run on now (`sched_getaffinity` of this thread). */
export function threadAffinity(): Cpu[] {
  return check(addon('threadAffinity()').threadAffinity(), 'sched_getaffinity', 'threadAffinity()');
}

/** The CPU the calling thread is running on at this instant (`sched_getcpu`). */
export function currentCpu(): Cpu {
  return check(addon('currentCpu()').currentCpu(), 'sched_getcpu', 'currentCpu()');
}

/** The kernel's id of the calling thread (`gettid`): the `<tid>` of `/proc/self/task/<tid>`. */
export function osThreadId(): number {
  return addon('osThreadId()').threadId();
}

/**
 * Checks a CPU or CPU list against `availableCpus()` and returns the sorted, de-duplicated set.
 * Throws `TypeError`/`RangeError` with a stable code; touches nothing.
 */
export function validateCpuSet(cpus: unknown, available: readonly Cpu[], name = 'cpus'): Cpu[] {
  const list = typeof cpus === 'number' ? [cpus] : cpus;
  if (!Array.isArray(list)) {
    throw new CorelaneTypeError(
      ErrorCode.INVALID_ARGUMENT,
      `${name} must be a CPU number or an array of CPU numbers, got ${cpus === null ? 'null' : typeof cpus}`,
    );
  }
  if (list.length === 0) {
    throw new CorelaneRangeError(ErrorCode.EMPTY_CPU_SET, `${name} must name at least one CPU, got an empty list`);
  }
  const allowed = new Set(available);
  const set = new Set<Cpu>();
  list.forEach((cpu: unknown, i) => {
    const label = typeof cpus === 'number' ? 'cpu' : `${name}[${i}]`;
    requireInteger(label, cpu, 0, MAX_CPU);
    if (!allowed.has(cpu as Cpu)) {
      throw new CorelaneRangeError(
        ErrorCode.CPU_UNAVAILABLE,
        `${label} is CPU ${cpu}, which this process may not run on (available: ${formatCpuList(available)})`,
      );
    }
    set.add(cpu as Cpu);
  });
  return [...set].sort((a, b) => a - b);
}

/**
 * Pins the calling thread (the main thread or a `worker_thread`) to one CPU or a set of CPUs,
 * and returns the set it is now pinned to. Other threads are not affected.
 *
 * @throws RangeError `ERR_CORELANE_OUT_OF_RANGE` for -1, 1.5, NaN; `ERR_CORELANE_CPU_UNAVAILABLE`
 *   for a CPU outside `availableCpus()`; `ERR_CORELANE_EMPTY_CPU_SET` for `[]`.
 * @throws TypeError `ERR_CORELANE_INVALID_ARGUMENT` for anything but a number or an array.
 * The thread's affinity is unchanged when it throws.
 */
export function pinThread(cpus: Cpu | readonly Cpu[]): Cpu[] {
  const native = addon('pinThread()');
  const set = validateCpuSet(cpus, native.initialCpus());
  check(native.setThreadAffinity(set), 'sched_setaffinity', () => `pinThread(${formatCpuList(set)})`);
  return set;
}

/** Lets the calling thread run on every CPU in `availableCpus()` again; returns that set. */
export function unpinThread(): Cpu[] {
  return pinThread(availableCpus());
}
