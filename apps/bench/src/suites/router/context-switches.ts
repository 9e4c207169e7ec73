// How often the calling thread left its CPU: voluntary context switches (it slept: a nap, an
// Atomics.wait, an event loop with nothing to do) and involuntary ones (the scheduler preempted
// it). Read from /proc/thread-self/status (Linux); zeros elsewhere. The router throughput case
// uses it to tell contention from per-record work on a machine with fewer cores than threads.
import { readFileSync } from 'node:fs';

/** The calling thread's context switches so far. */
export interface ContextSwitches {
  voluntary: number;
  involuntary: number;
}

function field(status: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status);
  return match ? Number(match[1]) : 0;
}

/** The calling thread's context switch counts (zeros where /proc/thread-self is not there). */
export function contextSwitches(): ContextSwitches {
  let status: string;
  try {
    status = readFileSync('/proc/thread-self/status', 'utf8');
  } catch {
    return { voluntary: 0, involuntary: 0 };
  }
  return {
    voluntary: field(status, 'voluntary_ctxt_switches'),
    involuntary: field(status, 'nonvoluntary_ctxt_switches'),
  };
}
