import { type Capability, capability, errnoName } from '@corelane/shared';
import { loadError, native } from './native.js';

/** What `new IoRing()` would run on here, and why. */
export interface UringCapabilities {
  /** The backend `backend: 'auto'` picks; `'none'` when the addon did not load. */
  backend: 'io_uring' | 'threadpool' | 'none';
  /** Why that backend. */
  reason: string;
  /** Whether io_uring can be set up here (`{ supported, reason }`, as every package's capabilities). */
  ioUring: Capability;
  /** Whether the thread-pool backend can run (it needs the addon). */
  threadpool: Capability;
  /** Whether the addon was compiled with liburing (statically linked). */
  builtWithLiburing: boolean;
  platform: NodeJS.Platform;
}

let probed: { ok: boolean; reason: string } | undefined;

function probeIoUring(): { ok: boolean; reason: string } {
  if (probed !== undefined) return probed;
  if (native === null) {
    probed = { ok: false, reason: loadError ?? 'native addon not loaded' };
  } else if (!native.builtWithLiburing) {
    probed = { ok: false, reason: 'the addon was built without liburing' };
  } else {
    const errno = native.probeIoUring();
    probed =
      errno === 0
        ? { ok: true, reason: 'io_uring_queue_init works here' }
        : {
            ok: false,
            reason: `io_uring_queue_init failed with ${errnoName(errno)}${
              errno === 1 || errno === 38 ? ' (seccomp, kernel.io_uring_disabled or no io_uring in this kernel)' : ''
            }`,
          };
  }
  return probed;
}

/** @internal How a ring asked for `backend` is set up: the native mode, or null, and why. */
export function backendDecision(backend: 'auto' | 'io_uring' | 'threadpool'): {
  mode: 0 | 1 | 2 | null;
  reason: string;
} {
  if (native === null) return { mode: null, reason: loadError ?? 'native addon not loaded' };
  if (backend === 'threadpool') return { mode: 2, reason: "backend: 'threadpool' was asked for" };
  if (backend === 'io_uring') return { mode: 1, reason: "backend: 'io_uring' was asked for" };
  if (process.env.CORELANE_URING === 'off') return { mode: 2, reason: 'CORELANE_URING=off' };
  const probe = probeIoUring();
  return probe.ok ? { mode: 0, reason: probe.reason } : { mode: 2, reason: probe.reason };
}

/** Reports which backend `new IoRing()` would use on this machine, and why. Sets up no ring to keep. */
export function capabilities(): UringCapabilities {
  const probe = probeIoUring();
  const decision = backendDecision('auto');
  return {
    backend: decision.mode === null ? 'none' : decision.mode === 2 ? 'threadpool' : 'io_uring',
    reason: decision.reason,
    ioUring: capability(probe.ok, probe.reason),
    threadpool:
      native === null
        ? capability(false, loadError ?? 'native addon not loaded')
        : capability(true, 'native thread pool running blocking system calls'),
    builtWithLiburing: native?.builtWithLiburing ?? false,
    platform: process.platform,
  };
}
