import { POLL_BEFORE_SLEEP_MS } from '../mesh/doorbell.js';
import { ControlWord } from '../mesh/layout.js';
import type { IdleOptions } from '../options.js';
import type { CoreNode } from './core-node.js';

const now = () => performance.now();

/** Records in one busy stretch from which an idle `'hybrid'` core sleeps without polling first (see `#pollMs()`). */
const STREAM_BURST = 256;

/**
 * The loop of one core. Each turn runs the phases in this order, again and again while they
 * find work, for at most `yieldMs`:
 *
 * ```
 *   ┌─▶ 1. drain inbound rings, round-robin, `budget` records per ring ─┐
 *   │      per round, rounds repeated while records remain (up to 8)    │
 *   │   2. handlers (called by the drain, one record at a time)         │
 *   │   3. flush outbound rings (+ overflow queues, doorbells)          │
 *   │   4. due timers (the timer wheel)                                 │
 *   │   5. io completions (the core's io_uring, when it has ops)        │
 *   └───────────── work found and under yieldMs ◀──────────────────────┘
 *        │ yieldMs passed: setImmediate → the worker's Node event loop runs (sockets, fs)
 *        │ no work: idle — spin up to spinMs ('hybrid'), then park on the doorbell
 *        ▼ with Atomics.waitAsync (the Node event loop keeps running while parked)
 * ```
 */
export class Loop {
  readonly #node: CoreNode;
  readonly #idle: Required<IdleOptions>;
  readonly #words: Int32Array;
  /** The main thread's control words (its CPU sample). */
  readonly #mainWords: Int32Array;
  #parked = false;
  #running = false;
  #stopped = false;
  #scheduled = false;
  #scheduledAt = 0;
  #hold = false;
  /** Records handled since the loop last found nothing (the current or the last busy stretch). */
  #burst = 0;
  /** The last pass found nothing: the next pass with work starts a new burst. */
  #idlePass = true;
  busyMs = 0;
  idleMs = 0;
  parks = 0;
  wakeups = 0;
  lagMs = 0;
  turns = 0;
  /** Called after each run of the loop, between phases and the event loop (drain checks). */
  afterRun: () => void = () => {};

  readonly #holdOnOverflow: boolean;

  constructor(node: CoreNode, idle: Required<IdleOptions>, holdOnOverflow: boolean) {
    this.#node = node;
    this.#holdOnOverflow = holdOnOverflow;
    this.#idle = idle;
    this.#words = node.controlWords;
    this.#mainWords = node.mainControlWords;
    node.onLocalWork = () => this.wake();
  }

  /** Starts turning. */
  start(): void {
    this.#schedule();
  }

  /** Stops after the current run; a parked loop is woken and stays stopped. */
  stop(): void {
    this.#stopped = true;
    this.#node.doorbell.ringAlways();
  }

  /** Wakes the loop when it parks (work arrived from this thread's own event loop). */
  wake(): void {
    if (this.#parked) this.#node.doorbell.ringAlways();
    else this.#schedule();
  }

  #schedule(): void {
    if (this.#scheduled || this.#running || this.#stopped || this.#parked) return;
    this.#scheduled = true;
    this.#scheduledAt = now();
    setImmediate(this.#runSoon);
  }

  readonly #runSoon = (): void => void this.#run();

  /**
   * Phases 1–5 once; returns the work they found. `t` is the time the pass began (the clock
   * read that ended the previous pass): one `performance.now()` per pass, which an idle
   * spinning core otherwise spends most of its pass on.
   */
  #phases(t: number): number {
    const node = this.#node;
    node.inTurn = true;
    let n: number;
    try {
      n = node.drain(this.#hold); // 1 + 2
      const waiting = node.sender.flush(); // 3
      n += node.timers.run(t); // 4
      n += node.pollIo(); // 5
      if (n > 0) node.sender.flush(); // what the timers and io callbacks sent
      // 'block': a target over its overflow limit stops intake from the main thread (the
      // source of new work) until its queue drains; core-to-core rings keep draining, so two
      // cores that flood each other still make progress.
      const hold = this.#holdOnOverflow && waiting > 0 && node.sender.overLimit;
      if (hold !== this.#hold) {
        this.#hold = hold;
        Atomics.store(this.#words, ControlWord.HOLD, hold ? 1 : 0);
      }
    } finally {
      node.inTurn = false;
    }
    return n;
  }

  readonly #run = async (): Promise<void> => {
    this.#scheduled = false;
    if (this.#stopped) return;
    this.#running = true;
    const start = now();
    this.lagMs = start - this.#scheduledAt;
    const { strategy, spinMs, yieldMs } = this.#idle;
    let lastWork = start;
    let t = start;
    let park = false;
    for (;;) {
      this.turns++;
      Atomics.store(this.#words, ControlWord.HEARTBEAT, this.turns | 0);
      const phaseStart = t;
      const n = this.#phases(t);
      t = now();
      if (n > 0) {
        this.busyMs += t - phaseStart;
        lastWork = t;
        this.#burst = this.#idlePass ? n : this.#burst + n;
        this.#idlePass = false;
      } else {
        this.idleMs += t - phaseStart;
        this.#idlePass = true;
      }
      // For stop()'s quiescence check: this pass found nothing (a plain sample).
      this.#words[ControlWord.IDLE] = n > 0 ? 0 : 1;
      if (t - start >= yieldMs || this.#stopped) break; // yield to the Node event loop, then continue
      if (n > 0) {
        // Let the microtasks this pass queued run (replies that resolved a ctx.request(), the
        // continuation of async handlers) before the next pass: cheap, and it keeps
        // core-to-core request chains from waiting for the next event-loop turn.
        await undefined;
        continue;
      }
      if (strategy === 'park' || (strategy === 'hybrid' && t - lastWork >= spinMs)) {
        park = true;
        break;
      }
      if (strategy === 'hybrid' && (t - lastWork >= this.#pollMs() || this.#mainOnMyCpu())) {
        // The rest of the spin budget asleep on the doorbell (a futex, woken by the producer's
        // ring without an event-loop turn): a thread that shares this core's CPU, such as the
        // main thread waiting for the reply just sent, gets the CPU meanwhile.
        const node = this.#node;
        node.doorbell.parkSync(() => node.hasWork(this.#hold), spinMs - (t - lastWork));
        t = now();
      }
    }
    this.#running = false;
    this.#publish();
    this.afterRun();
    if (park) this.#park();
    else this.#schedule();
  };

  /**
   * How long an idle `'hybrid'` pass polls before it sleeps on the doorbell: the whole spin
   * budget while this core's own requests wait for replies (a peer that answers within it
   * costs no futex wake on either side), else POLL_BEFORE_SLEEP_MS. With 10 µs for both, one
   * hop slower than that (a GC pause, a preemption) put both cores of a ping-pong to sleep,
   * and from then on each hop waited for a futex wake longer than the other side's poll:
   * ~55 µs per round trip, for good.
   */
  #pollMs(): number {
    if (this.#node.pending.size > 0) return this.#idle.spinMs;
    // A burst of STREAM_BURST records or more came from a producer writing a stream (the main
    // thread sending millions): it rings again once it wrote another 1/8 of the ring, far
    // beyond the poll, so the poll would only take the CPU from that producer when they share
    // one (measured: +100 ns of process CPU per message on 2 vCPUs). Asleep at once instead.
    if (this.#burst >= STREAM_BURST) return 0;
    return POLL_BEFORE_SLEEP_MS;
  }

  /** True when the main thread waits for replies on this core's CPU now (a relaxed sample). */
  #mainOnMyCpu(): boolean {
    const cpu = this.#node.cpu;
    return cpu !== null && Atomics.load(this.#mainWords, ControlWord.CPU) === cpu;
  }

  #publish(): void {
    this.#node.publishCounters(this);
  }

  #park(): void {
    if (this.#stopped) return;
    const node = this.#node;
    // Overflow waiting for room: the consumer does not ring us when it frees space, so poll.
    const overflow = node.sender.overflowDepth > 0 ? 1 : Number.POSITIVE_INFINITY;
    const timeout = Math.min(node.timers.msUntilNext(now()), overflow);
    if (timeout <= 0) {
      this.#schedule();
      return;
    }
    const parkedAt = now();
    const wait = node.doorbell.park(() => node.hasWork(this.#hold), timeout);
    if (wait === null) {
      this.#schedule();
      return;
    }
    this.#parked = true;
    this.parks++;
    wait.then((result) => {
      node.doorbell.unpark();
      this.#parked = false;
      this.idleMs += now() - parkedAt;
      if (result === 'ok') this.wakeups++;
      this.#schedule();
    });
  }
}
