import { CorelaneRangeError, ErrorCode, requireInteger, requireOneOf, requireOptions } from '@corelane/shared';
import { addon, check } from './native.js';

/** Scheduling policies: `other` is Linux's default (CFS/EEVDF); `fifo` and `rr` are real-time. */
export type SchedulingPolicy = 'other' | 'fifo' | 'rr';

/**
 * What `setThreadPriority()` takes. Real-time policies need a priority and ignore nice;
 * `other` takes a nice value (-20 highest .. 19 lowest) and no priority.
 */
export type ThreadPriorityRequest =
  | { policy: 'other'; nice?: number; priority?: 0 }
  | { policy: 'fifo' | 'rr'; priority: number; nice?: never };

/** The calling thread's scheduling, as the kernel reports it. */
export interface ThreadPriority {
  policy: SchedulingPolicy | 'unknown';
  /** Real-time priority (1..99 under fifo/rr, 0 under other). */
  priority: number;
  /** Nice value (-20..19); the kernel ignores it under fifo/rr. */
  nice: number;
}

const POLICY_NUMBER: Record<SchedulingPolicy, number> = { other: 0, fifo: 1, rr: 2 };
const POLICY_NAME = ['other', 'fifo', 'rr'] as const;

/** The calling thread's policy, real-time priority and nice value. */
export function threadPriority(): ThreadPriority {
  const raw = check(addon('threadPriority()').getScheduler(), 'sched_getscheduler', 'threadPriority()');
  return { policy: POLICY_NAME[raw.policy] ?? 'unknown', priority: raw.priority, nice: raw.nice };
}

/**
 * Sets the calling thread's scheduling policy and priority (or nice value). Returns what the
 * kernel reports afterwards.
 *
 * Real-time policies on a machine with few cores can starve everything else when a thread spins:
 * corelane never raises a thread by itself, and this call is the only way to do it.
 *
 * @throws `ERR_CORELANE_PERMISSION` when the kernel refuses (EPERM: no CAP_SYS_NICE and
 *   RLIMIT_RTPRIO / RLIMIT_NICE too low) — never a silent no-op.
 * @throws RangeError / TypeError with stable codes for a bad policy, priority or nice value,
 *   before anything is changed.
 */
export function setThreadPriority(request: ThreadPriorityRequest): ThreadPriority {
  const options = requireOptions('options', request) as Partial<ThreadPriorityRequest>;
  const policy = requireOneOf('options.policy', options.policy, ['other', 'fifo', 'rr'] as const);
  const native = addon('setThreadPriority()');
  if (policy === 'other') {
    if (options.priority !== undefined && options.priority !== 0) {
      throw new CorelaneRangeError(
        ErrorCode.OUT_OF_RANGE,
        `options.priority must be 0 or absent with policy 'other' (use nice), got ${String(options.priority)}`,
      );
    }
    const nice = options.nice === undefined ? undefined : requireInteger('options.nice', options.nice, -20, 19);
    check(native.setScheduler(0, 0), 'sched_setscheduler', "setThreadPriority({ policy: 'other' })");
    if (nice !== undefined) check(native.setNice(nice), 'setpriority', `setThreadPriority({ nice: ${nice} })`);
  } else {
    if (options.nice !== undefined) {
      throw new CorelaneRangeError(
        ErrorCode.OUT_OF_RANGE,
        `options.nice has no effect with policy '${policy}'; give a priority instead`,
      );
    }
    const [min, max] = native.priorityRange(POLICY_NUMBER[policy]);
    const priority = requireInteger('options.priority', options.priority, min, max);
    check(
      native.setScheduler(POLICY_NUMBER[policy], priority),
      'sched_setscheduler',
      `setThreadPriority({ policy: '${policy}', priority: ${priority} })`,
    );
  }
  return threadPriority();
}
