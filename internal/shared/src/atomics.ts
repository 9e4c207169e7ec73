/** What `Atomics.waitAsync` returns: settled at once (`async: false`) or a promise of the outcome. */
export type WaitAsyncResult = { async: false; value: string } | { async: true; value: Promise<string> };

/**
 * `Atomics.waitAsync` (ES2024; Node 16+), typed here once because the project's lib is older.
 * Waits without blocking the thread until `array[index]` is notified (or no longer `value`), or
 * `timeoutMs` passes; settles `'ok'`, `'not-equal'` or `'timed-out'`.
 */
export const atomicsWaitAsync = (
  Atomics as unknown as {
    waitAsync(array: Int32Array, index: number, value: number, timeoutMs?: number): WaitAsyncResult;
  }
).waitAsync;
