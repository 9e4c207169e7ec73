/** Timing loops for synchronous operations measured in the calling thread. */

export interface LoopBudget {
  /** Stop after at least this long, in ms (checked between batches). */
  targetMs: number;
  /** Run at least this many iterations, even past `targetMs`. */
  minIterations: number;
  /** Never run more than this many iterations. */
  maxIterations: number;
  /** Iterations between clock reads (default 1: right for ops of a millisecond). */
  batch?: number;
}

/** Calls `op` repeatedly within `budget` and returns nanoseconds per call (one sample). */
export function nsPerOp(op: () => unknown, budget: LoopBudget): number {
  const batch = Math.max(1, budget.batch ?? 1);
  const target = BigInt(Math.round(budget.targetMs * 1e6));
  const start = process.hrtime.bigint();
  let iterations = 0;
  let elapsed = 0n;
  while (iterations < budget.maxIterations) {
    const n = Math.min(batch, budget.maxIterations - iterations);
    for (let i = 0; i < n; i++) op();
    iterations += n;
    elapsed = process.hrtime.bigint() - start;
    if (iterations >= budget.minIterations && elapsed >= target) break;
  }
  return Number(elapsed) / iterations;
}
