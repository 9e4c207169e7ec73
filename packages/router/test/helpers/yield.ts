// Long synchronous test files (1e6-key loops) never let the event loop poll between tests, so
// the runner's own messages to vitest (answered within 60 s) wait until the file ends; on a
// busy machine that passes 60 s and vitest reports a timeout. Yielding one macrotask after each
// test lets those messages through.

/** An `afterEach` hook: resolves after the event loop has polled once. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
