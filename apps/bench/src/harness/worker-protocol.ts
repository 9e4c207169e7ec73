/** Messages between `WorkerHandle` (main thread) and `serve()` (worker thread). */
export interface WorkerRequest {
  id: number;
  op: string;
  args: Record<string, unknown>;
}

export type WorkerReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
