import type { Plan } from '../options.js';

/** What the main thread hands a core's worker (`workerData`). */
export interface BootData {
  core: number;
  plan: Plan;
  /** Every ring of the mesh, `rings[from * (cores + 1) + to]` (see mesh/layout.ts). */
  rings: (SharedArrayBuffer | null)[];
  control: SharedArrayBuffer;
  /** `ctx.data`. */
  data: unknown;
  /** How many times this core was restarted before (0 on the first start). */
  restarts: number;
}

/** Messages a core posts to the main thread (the control plane; data goes through rings). */
export type CoreMessage =
  | { type: 'ready'; cpu: number | null }
  | { type: 'failed'; error: { name: string; message: string; code?: string; stack?: string } }
  | { type: 'drained' }
  | { type: 'stopped'; error?: { name: string; message: string; code?: string } }
  | { type: 'handler-error'; error: { name: string; message: string; code?: string; stack?: string }; count: number };

/** Messages the main thread posts to a core. */
export type MainMessage = { type: 'stop' } | { type: 'peer-restarted'; core: number };

/** A thrown value as plain data for postMessage. */
export function errorData(error: unknown): { name: string; message: string; code?: string; stack?: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      name: error.name,
      message: error.message,
      ...(error.stack === undefined ? {} : { stack: error.stack }),
      ...(typeof code === 'string' ? { code } : {}),
    };
  }
  return { name: 'Error', message: String(error) };
}
