import { CorelaneTypeError, ErrorCode, requireInteger } from '@corelane/shared';
import { TimerWheel } from './timer-wheel.js';

/** An id of a timer of `ctx.timers`, for `cancel()`. */
export type TimerId = number;

/** The timers of a core: run by its loop (the "due timers" phase), on a hierarchical timer wheel. */
export interface Timers {
  /** Calls `fn` once, `delayMs` ms from now (an integer ≥ 0); returns its id. */
  after(delayMs: number, fn: () => void): TimerId;
  /** Calls `fn` every `intervalMs` ms (an integer ≥ 1), first `intervalMs` from now; returns its id. */
  every(intervalMs: number, fn: () => void): TimerId;
  /** Cancels a timer; false when it already ran (a one-shot) or was cancelled. */
  cancel(id: TimerId): boolean;
  /** Timers scheduled and not yet run or cancelled. */
  readonly size: number;
}

interface Task {
  id: TimerId;
  fn: () => void;
  intervalMs: number;
  wheelId: number;
  due: number;
}

const MAX_DELAY_MS = 2 ** 31 - 1;

function requireFn(fn: unknown): void {
  if (typeof fn !== 'function') {
    throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, `fn must be a function, got ${typeof fn}`);
  }
}

/** `ctx.timers`: the facade over a core's wheel that the loop drives with `run()`. */
export class CoreTimers implements Timers {
  readonly #wheel: TimerWheel<Task>;
  readonly #tasks = new Map<TimerId, Task>();
  readonly #clock: () => number;
  readonly #onError: (error: unknown) => void;
  #nextId = 1;
  /** Timers that have run. */
  fired = 0;

  constructor(clock: () => number, onError: (error: unknown) => void) {
    this.#clock = clock;
    this.#wheel = new TimerWheel(clock());
    this.#onError = onError;
  }

  get size(): number {
    return this.#tasks.size;
  }

  after(delayMs: number, fn: () => void): TimerId {
    requireInteger('delayMs', delayMs, 0, MAX_DELAY_MS);
    requireFn(fn);
    return this.#add(delayMs, fn, 0);
  }

  every(intervalMs: number, fn: () => void): TimerId {
    requireInteger('intervalMs', intervalMs, 1, MAX_DELAY_MS);
    requireFn(fn);
    return this.#add(intervalMs, fn, intervalMs);
  }

  cancel(id: TimerId): boolean {
    const task = this.#tasks.get(id);
    if (task === undefined) return false;
    this.#tasks.delete(id);
    this.#wheel.cancel(task.wheelId);
    return true;
  }

  #add(delayMs: number, fn: () => void, intervalMs: number): TimerId {
    // 0 ms: due now, at the next timers phase. Rounded up to the wheel's next millisecond like
    // a longer delay (never early), it would wait up to 1 ms, and a handler that yields with
    // after(0) between chunks of work would idle most of the time.
    const due = delayMs === 0 ? this.#wheel.now : this.#clock() + delayMs;
    const task: Task = { id: this.#nextId++, fn, intervalMs, wheelId: 0, due };
    task.wheelId = this.#wheel.schedule(due, task);
    this.#tasks.set(task.id, task);
    return task.id;
  }

  readonly #fire = (task: Task): void => {
    if (task.intervalMs > 0) {
      // Drift-free: the next run is due one interval after this one was, unless the loop fell
      // behind by more than an interval, then one interval from now (missed runs are skipped).
      const now = this.#clock();
      task.due = task.due + task.intervalMs > now ? task.due + task.intervalMs : now + task.intervalMs;
      task.wheelId = this.#wheel.schedule(task.due, task);
    } else {
      this.#tasks.delete(task.id);
    }
    this.fired++;
    try {
      task.fn();
    } catch (error) {
      this.#onError(error);
    }
  };

  /** The loop's "due timers" phase: runs what is due now; returns how many ran. */
  run(now: number): number {
    return this.#wheel.advance(now, this.#fire);
  }

  /** Milliseconds from `now` until the wheel next has something to do (Infinity when nothing). */
  msUntilNext(now: number): number {
    const at = this.#wheel.nextEventAt();
    return at === Number.POSITIVE_INFINITY ? at : Math.max(0, at - now);
  }

  /** Cancels every timer (the core stops). */
  clear(): void {
    for (const id of [...this.#tasks.keys()]) this.cancel(id);
  }
}
