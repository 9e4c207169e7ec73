import type { SharedMapHandle } from '@corelane/lockfree';
import type { Plan } from '../options.js';
import type { ErrorData } from '../remote-error.js';

/** What the main thread hands a core's worker (`workerData`). */
export interface BootData {
  core: number;
  plan: Plan;
  /** Every ring of the mesh, `rings[from * (cores + 1) + to]` (see mesh/layout.ts). */
  rings: (SharedArrayBuffer | null)[];
  control: SharedArrayBuffer;
  /** `ctx.data`. */
  data: unknown;
  /** The handle of `Runtime.start({ shared })`, attached as `ctx.shared` (null without one). */
  shared: SharedMapHandle | null;
  /** How many times this core was restarted before (0 on the first start). */
  restarts: number;
}

/** Messages a core posts to the main thread (the control plane; data goes through rings). */
export type CoreMessage =
  | { type: 'ready'; cpu: number | null }
  | { type: 'failed'; error: ErrorData }
  | { type: 'drained' }
  | { type: 'stopped'; error?: ErrorData }
  | { type: 'handler-error'; error: ErrorData; count: number };

/** Messages the main thread posts to a core. */
export type MainMessage = { type: 'stop' } | { type: 'peer-restarted'; core: number };
