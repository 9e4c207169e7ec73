// What the runtime's durable-state tests share: the core module and the state it must hold.
import { Runtime, type RuntimeOptions } from '../../dist/index.js';

export const COUNTER = new URL('./cores/durable-counter.mjs', import.meta.url);

/** The state of a durable-counter core, as its 'get' op answers. */
export interface CounterState {
  n: number;
  sum: number;
  h: number;
  core: number;
  vals: number[];
  restarts: number;
}

/** What a durable-counter core holds after committing `vals` in order (as core `core`). */
export function expected(vals: number[], core: number): Omit<CounterState, 'restarts'> {
  let h = 0;
  let sum = 0;
  for (const v of vals) {
    h = (Math.imul(h, 31) + v) >>> 0;
    sum += v;
  }
  return { n: vals.length, sum, h, core: vals.length === 0 ? -1 : core, vals };
}

export const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

/** Runs `fn` against a runtime of durable-counter cores over `dataDir`; stops it whatever happens. */
export async function withCounter<T>(
  options: Omit<RuntimeOptions, 'module'>,
  fn: (rt: Runtime) => Promise<T>,
): Promise<T> {
  const rt = await Runtime.start({ module: COUNTER, pin: false, wal: { segmentSize: 64 * 1024 }, ...options });
  try {
    return await fn(rt);
  } finally {
    await rt.stop();
  }
}

/** Commits `vals` on `core`, all in flight at once (one group commit after another), in order. */
export function addAll(rt: Runtime, core: number, vals: number[], pad?: string): Promise<unknown[]> {
  return Promise.all(vals.map((v) => rt.requestTo(core, pad === undefined ? { op: 'add', v } : { op: 'add', v, pad })));
}

export const get = (rt: Runtime, core: number) => rt.requestTo(core, { op: 'get' }) as Promise<CounterState>;
