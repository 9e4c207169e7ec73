import { readFileSync } from 'node:fs';
import { type Capability, capability } from '@corelane/shared';
import { addon, unsupportedReason } from './native.js';
import { topology } from './topology.js';

export type { Capability };

/** What this package can do on this machine. Nothing here changes any thread. */
export interface AffinityCapabilities {
  /** False on platforms other than Linux, or when the addon did not load. */
  supported: boolean;
  platform: NodeJS.Platform;
  pinThread: Capability;
  currentCpu: Capability;
  /** Whether /sys described every CPU fully. */
  topology: Capability;
  /**
   * Whether `setThreadPriority({ policy: 'fifo' | 'rr' })` should be allowed, judged from
   * CAP_SYS_NICE and RLIMIT_RTPRIO. It is never tried: raising a thread is only done on request.
   */
  realtimePriority: Capability;
}

const CAP_SYS_NICE = 23n;

function hasCapSysNice(): boolean | null {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const hex = /^CapEff:\s*([0-9a-f]+)$/m.exec(status)?.[1];
    return hex === undefined ? null : ((BigInt(`0x${hex}`) >> CAP_SYS_NICE) & 1n) === 1n;
  } catch {
    return null;
  }
}

/** Reports which features work here and why the others do not. */
export function capabilities(): AffinityCapabilities {
  if (unsupportedReason !== null) {
    const no = capability(false, unsupportedReason);
    return {
      supported: false,
      platform: process.platform,
      pinThread: no,
      currentCpu: no,
      topology: no,
      realtimePriority: no,
    };
  }
  const native = addon('capabilities()');
  const layout = topology();
  const capSysNice = hasCapSysNice();
  const rtLimit = native.realtimeLimit();
  const realtimePriority: Capability =
    capSysNice === true
      ? capability(true, 'CAP_SYS_NICE is in the effective set (not tried)')
      : rtLimit > 0
        ? capability(true, `RLIMIT_RTPRIO allows priorities up to ${rtLimit} (not tried)`)
        : capability(false, 'no CAP_SYS_NICE and RLIMIT_RTPRIO is 0: sched_setscheduler would fail with EPERM');
  return {
    supported: true,
    platform: process.platform,
    pinThread: capability(true, 'sched_setaffinity on the calling thread'),
    currentCpu: capability(true, 'sched_getcpu'),
    topology:
      layout.missing.length === 0
        ? capability(true, `read from /sys: ${layout.cpus.length} CPUs`)
        : capability(
            false,
            `/sys is incomplete (${layout.missing.slice(0, 3).join(', ')}…); fallback values were used`,
          ),
    realtimePriority,
  };
}
