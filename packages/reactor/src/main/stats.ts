import type { LatencySummary } from './latency.js';

/** What `stats().cores[i]` says of one core. Counters count since the core's (re)start, unless said otherwise. */
export interface CoreStats {
  core: number;
  /** The CPU it is pinned to, or null. */
  cpu: number | null;
  /** Times it was restarted after dying (since the runtime started). */
  restarts: number;
  /** True while its heartbeat says the loop stopped turning (a handler that never returns). */
  stuck: boolean;
  /** True while a `'block'` core takes no work from the main thread (its overflow queues are full). */
  holding: boolean;
  messagesIn: number;
  messagesOut: number;
  requests: number;
  /** Time its loop found work, and time it spun or parked, in ms. */
  busyMs: number;
  idleMs: number;
  /** busyMs / (busyMs + idleMs). */
  utilization: number;
  parks: number;
  /** Parks ended by a producer's doorbell (the rest ended by a timer). */
  wakeups: number;
  /** Bytes waiting in its inbound rings (a sample). */
  ringBytes: number;
  /** Records waiting in its overflow queues now, and the most at once. */
  overflow: number;
  overflowMax: number;
  /** Messages the `'drop'` policy dropped. */
  dropped: number;
  /** Timers scheduled, and timers that have run. */
  timers: number;
  timersFired: number;
  /** The delay between the loop asking its Node event loop for the next turn and getting it, last turn, in ms. */
  loopLagMs: number;
  /** Handlers of messages without a reply (and timers) that threw. */
  handlerErrors: number;
  turns: number;
}

/** What `runtime.stats()` returns. */
export interface RuntimeStats {
  cores: CoreStats[];
  /** The main thread's side. */
  main: {
    /** Requests waiting for a reply. */
    pending: number;
    /** Records waiting in the main thread's overflow queues. */
    overflow: number;
    /** Messages the `'drop'` policy dropped on the main thread. */
    dropped: number;
    /** Round trips of `request()`, `requestTo()` and `broadcast()`. */
    latency: LatencySummary;
  };
}
