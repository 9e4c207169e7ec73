import { EventEmitter } from 'node:events';
import { currentCpu } from '@corelane/affinity';
import type { SharedMap } from '@corelane/lockfree';
import type { RouterKey } from '@corelane/router';
import { CorelaneError, CorelaneRangeError, CorelaneTypeError, ErrorCode, requireInteger } from '@corelane/shared';
import { ByteRingConsumer, ByteRingProducer, releaseRole } from '@corelane/spsc';
import { type RingCodec, resolveCodec } from '../codec/codec.js';
import { ControlOp, FrameView, Kind, readI32 } from '../codec/frame.js';
import type { BootData, CoreMessage } from '../core/boot-data.js';
import { isCoreDefinition } from '../define-core.js';
import { Doorbell, POLL_BEFORE_SLEEP_MS } from '../mesh/doorbell.js';
import { Inbound } from '../mesh/inbound.js';
import {
  allocateControl,
  allocateMesh,
  ControlWord,
  Counter,
  controlCounters,
  controlWords,
  ringEmpty,
  ringHead,
  ringIndex,
} from '../mesh/layout.js';
import { Outbound } from '../mesh/outbound.js';
import { Owners } from '../mesh/owners.js';
import { Sender } from '../mesh/sender.js';
import { type Plan, type RuntimeOptions, resolveOptions } from '../options.js';
import { PendingRequests } from '../pending.js';
import { decodeError, errorFromData } from '../remote-error.js';
import { type CoreDeath, CoreHandle } from './core-handle.js';
import { Latency } from './latency.js';
import type { CoreStats, RuntimeStats } from './stats.js';

/** The `'restart'` event: a core died and a new one runs in its place, on the same CPU. */
export interface RestartEvent {
  core: number;
  cpu: number | null;
  /** Restarts of this core so far. */
  restarts: number;
  reason: string;
  /** What it died of (null for an exit without an error). */
  error: Error | null;
}

/** The `'stuck'` event: a core's loop has not turned for `heartbeatMs` (a handler that never returns). */
export interface StuckEvent {
  core: number;
  cpu: number | null;
  sinceMs: number;
}

/** The `'handlerError'` event: a handler of a message without a reply (or a timer) threw. */
export interface HandlerErrorEvent {
  core: number;
  error: Error;
  /** Errors since the last report (reports are rate-limited; all are counted in stats). */
  count: number;
}

/** How long stop() waits for the cores to finish what was sent before it, at most. */
const STOP_TIMEOUT_MS = 30_000;

const now = () => performance.now();

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A thread-per-core runtime: one pinned worker per core, each running the module's
 * `defineCore()` definition, connected by a mesh of shared-memory SPSC rings. Keys route to
 * the core `partition(key, size)` names; per key, messages are handled in the order sent.
 *
 * Events: `'restart'` ({@link RestartEvent}), `'stuck'` / `'unstuck'` ({@link StuckEvent}),
 * `'handlerError'` ({@link HandlerErrorEvent}), and `'error'` when a core died more often than
 * `restart` allows — the runtime is then down (unhandled, it ends the process: loud).
 */
export class Runtime extends EventEmitter {
  readonly #plan: Plan;
  readonly #codec: RingCodec;
  readonly #rings: (SharedArrayBuffer | null)[];
  readonly #control: SharedArrayBuffer;
  readonly #handles: CoreHandle[];
  readonly #sender: Sender;
  readonly #inbound: Inbound;
  readonly #bell: Doorbell;
  readonly #pending = new PendingRequests();
  readonly #latency = new Latency();
  readonly #frame = new FrameView();
  /** `partition(key, size)`, string keys remembered. */
  readonly #owners: Owners;
  readonly #data: unknown;
  /** `Runtime.start({ shared })`, and the thread id of each core's current worker (to release its slot). */
  readonly #shared: SharedMap | null;
  readonly #threadIds: number[] = [];
  #state: 'starting' | 'running' | 'stopping' | 'stopped' | 'failed' = 'starting';
  #failure: Error | null = null;
  #armed = false;
  #flushQueued = false;
  /** The core the last request went to (whose CPU the reply spin checks). */
  #lastTarget = 0;
  /** False once `currentCpu()` failed here (the spin then never checks the CPU). */
  #knowsCpu = true;
  readonly #mainWords: Int32Array;
  /** When the reply spins of this event-loop turn began (-1: none yet). */
  #spinTurnStart = -1;
  #overflowTimer: NodeJS.Timeout | null = null;
  #heartbeat: NodeJS.Timeout | null = null;
  #stopPromise: Promise<void> | null = null;
  readonly #drained = new Map<number, () => void>();
  readonly #stopped = new Map<number, () => void>();
  /** What went wrong while stopping (a core died, or missed the deadline): stop() rejects with it. */
  readonly #stopFailures: string[] = [];

  private constructor(
    plan: Plan,
    codec: RingCodec,
    data: unknown,
    shared: SharedMap | null,
    resourceLimits: RuntimeOptions['resourceLimits'],
  ) {
    super();
    this.#plan = plan;
    this.#codec = codec;
    this.#data = data;
    this.#shared = shared;
    const n = plan.cores;
    this.#owners = new Owners(n);
    this.#rings = allocateMesh(n, plan.ring);
    this.#control = allocateControl(n);
    const outbound: Outbound[] = [];
    for (let c = 0; c < n; c++) {
      const producer = new ByteRingProducer(this.#rings[ringIndex(n, c, n)] as SharedArrayBuffer, { autoFlush: false });
      outbound.push(new Outbound(producer, c, new Doorbell(controlWords(this.#control, c))));
    }
    this.#sender = new Sender(
      outbound,
      codec,
      plan.policy,
      plan.overflow,
      (out) => this.#waitForRoom(out),
      this.#afterWrite,
      n,
    );
    const sources = Array.from({ length: n }, (_, c) => ({
      source: c,
      ring: this.#rings[ringIndex(c, n, n)] as SharedArrayBuffer,
    }));
    this.#inbound = new Inbound(sources, controlWords(this.#control, n), n);
    this.#mainWords = controlWords(this.#control, n);
    this.#mainWords[ControlWord.CPU] = -1;
    this.#bell = new Doorbell(this.#mainWords);
    const events = { onDeath: this.#onDeath, onMessage: this.#onCoreMessage };
    this.#handles = plan.cpus.map((cpu, core) => new CoreHandle(core, cpu, events, resourceLimits));
  }

  /**
   * Starts the cores and resolves once every core ran its `init`. The module is also imported
   * once on the main thread, to check its default export before any worker starts: keep its
   * top level free of side effects (open files and sockets in `init`).
   *
   * @throws TypeError/RangeError with a stable `code` for a bad option; `ERR_CORELANE_BAD_MODULE`
   *   for a module that is missing or has no `defineCore()` default export; both before any
   *   worker starts. `ERR_CORELANE_CORE_FAILED` when a core's `init` throws (every worker is ended).
   */
  static async start(options: RuntimeOptions): Promise<Runtime> {
    const { plan, moduleUrl, resourceLimits, data, shared } = resolveOptions(options);
    let mod: { default?: unknown };
    try {
      mod = (await import(moduleUrl.href)) as { default?: unknown };
    } catch (cause) {
      throw new CorelaneError(
        ErrorCode.BAD_MODULE,
        `module ${moduleUrl.href} failed to load: ${(cause as Error)?.message}`,
        { cause },
      );
    }
    if (!isCoreDefinition(mod.default)) {
      throw new CorelaneTypeError(
        ErrorCode.BAD_MODULE,
        `module ${moduleUrl.href} must export default defineCore({ onMessage, … }), got ${mod.default === undefined ? 'no default export' : typeof mod.default}`,
      );
    }
    const codec = resolveCodec(options.codec);
    if (plan.codec === 'custom' && mod.default.codec === undefined) {
      throw new CorelaneTypeError(
        ErrorCode.INVALID_ARGUMENT,
        "a custom codec must also be the module's defineCore({ codec }), so every core decodes what the main thread encodes",
      );
    }
    if (plan.codec !== 'custom' && mod.default.codec !== undefined) {
      throw new CorelaneTypeError(
        ErrorCode.INVALID_ARGUMENT,
        "the module's defineCore({ codec }) decodes every message its cores get: pass that same object as Runtime.start({ codec })",
      );
    }
    if (plan.codec === 'custom' && mod.default.codec !== options.codec) {
      // The cores decode with the module's codec: another object may not read what this one wrote.
      throw new CorelaneTypeError(
        ErrorCode.INVALID_ARGUMENT,
        "options.codec is not the codec the module's defineCore({ codec }) names: pass that same object, so every core decodes what the main thread encodes",
      );
    }
    if (mod.default.state !== undefined && plan.dataDir === null) {
      throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, 'defineCore({ state }) needs Runtime.start({ dataDir })');
    }
    const runtime = new Runtime(plan, codec, data, shared, resourceLimits);
    try {
      await Promise.all(runtime.#handles.map((h) => runtime.#spawn(h, 0)));
    } catch (error) {
      await Promise.all(runtime.#handles.map((h) => h.terminate()));
      runtime.#releaseShared();
      runtime.#state = 'failed';
      throw error;
    }
    runtime.#state = 'running';
    runtime.#startHeartbeat();
    return runtime;
  }

  #boot(core: number, restarts: number): BootData {
    const shared = this.#shared === null ? null : this.#shared.handle;
    return { core, plan: this.#plan, rings: this.#rings, control: this.#control, data: this.#data, shared, restarts };
  }

  /**
   * Releases the shared map's epoch slot a core's ended worker still holds (every core's when
   * `core` is not given): one killed without its exit hooks (out of memory, terminate()) never
   * released it. Only for workers whose 'exit' fired; a no-op for a core that closed its side.
   */
  #releaseShared(core?: number): void {
    if (this.#shared === null) return;
    for (const [c, threadId] of this.#threadIds.entries()) {
      if ((core === undefined || c === core) && threadId >= 0) this.#shared.releaseThread(threadId);
    }
  }

  /** Starts `handle`'s worker, remembering its thread id (see #onDeath). */
  #spawn(handle: CoreHandle, restarts: number): Promise<void> {
    const started = handle.spawn(this.#boot(handle.core, restarts));
    this.#threadIds[handle.core] = handle.worker?.threadId ?? -1;
    return started;
  }

  /** The number of cores. */
  get size(): number {
    return this.#plan.cores;
  }

  /** The CPU each core is pinned to (null where not pinned). */
  get cpus(): (number | null)[] {
    return [...this.#plan.cpus];
  }

  /** Whether the cores are pinned, and if not, why. */
  get pinning(): { pinned: boolean; reason: string } {
    return { pinned: this.#plan.pinReason === '', reason: this.#plan.pinReason };
  }

  /** The core that owns `key`: `partition(key, size)`. */
  owner(key: RouterKey): number {
    return this.#owners.of(key);
  }

  #checkOpen(): void {
    if (this.#state === 'running') return;
    if (this.#state === 'failed' && this.#failure !== null) throw this.#failure;
    throw new CorelaneError(ErrorCode.CLOSED, `the runtime is ${this.#state === 'stopping' ? 'stopping' : 'stopped'}`);
  }

  #checkCore(core: unknown): number {
    const n = requireInteger('core', core, 0, 2 ** 31 - 1);
    if (n >= this.#plan.cores)
      throw new CorelaneRangeError(ErrorCode.OUT_OF_RANGE, `core must be in 0..${this.#plan.cores - 1}, got ${n}`);
    return n;
  }

  /**
   * Sends `value` to the core that owns `key`. Returns false when the `'drop'` policy dropped
   * it; throws `ERR_CORELANE_BACKPRESSURE` under `'error'` when the core's ring and overflow
   * queue are full; under `'block'` waits for room (up to `backpressure.timeoutMs`).
   * @throws `ERR_CORELANE_CLOSED` once `stop()` was called.
   */
  send(key: RouterKey, value: unknown): boolean {
    this.#checkOpen();
    return this.#sender.message(this.#owners.of(key), Kind.SEND, 0, key, value);
  }

  /** Sends `value` to core `core` (its handler gets `key` undefined). */
  sendTo(core: number, value: unknown): boolean {
    this.#checkOpen();
    return this.#sender.message(this.#checkCore(core), Kind.SEND, 0, undefined, value);
  }

  /**
   * Sends `value` to the core that owns `key` and resolves with its handler's reply. Rejects
   * with the handler's error (its `name`, `message` and `code`), `ERR_CORELANE_CORE_RESTARTED`
   * when the core died meanwhile, `ERR_CORELANE_CLOSED` when the runtime stopped first, and
   * `ERR_CORELANE_BACKPRESSURE` when the core's queue is full under `'error'` or `'drop'`.
   * A bad key or value throws at once.
   */
  request(key: RouterKey, value: unknown): Promise<unknown> {
    this.#checkOpen();
    return this.#request(this.#owners.of(key), key, value);
  }

  /** Requests from core `core` (its handler gets `key` undefined). */
  requestTo(core: number, value: unknown): Promise<unknown> {
    this.#checkOpen();
    return this.#request(this.#checkCore(core), undefined, value);
  }

  /** Sends `value` to every core; resolves with their replies, in core order. */
  broadcast(value: unknown): Promise<unknown[]> {
    this.#checkOpen();
    return Promise.all(this.#handles.map((h) => this.#request(h.core, undefined, value)));
  }

  #request(target: number, key: RouterKey | undefined, value: unknown): Promise<unknown> {
    this.#lastTarget = target;
    const { id, promise } = this.#pending.add(target, now());
    try {
      if (!this.#sender.message(target, Kind.REQUEST, id, key, value)) {
        this.#pending.forget(id);
        return Promise.reject(
          new CorelaneError(ErrorCode.BACKPRESSURE, `request to core ${target} dropped: its queue is full`),
        );
      }
    } catch (error) {
      this.#pending.forget(id);
      // A full target is a condition of the moment: the promise says so. A bad value throws.
      const code = (error as { code?: string }).code;
      if (code === ErrorCode.BACKPRESSURE || code === ErrorCode.TIMEOUT) return Promise.reject(error);
      throw error;
    }
    return promise; // the flush at the end of this task arms the reply wait
  }

  // ── flushing what the main thread wrote ──────────────────────────────────────────────

  /** One flush per task, however many messages it sent (one publish + doorbell per ring). */
  readonly #afterWrite = (): void => {
    if (!this.#flushQueued) {
      this.#flushQueued = true;
      queueMicrotask(this.#flush);
    }
  };

  readonly #flush = (): void => {
    this.#flushQueued = false;
    const waiting = this.#sender.flush();
    if (this.#pending.size > 0) {
      const spin = this.#plan.replySpinMs;
      if (spin > 0 && this.#spinBudget()) {
        // The replies of a request loop often come back within microseconds: catching one
        // here saves the futex wake and event-loop turn of a park.
        const start = now();
        // Sharing a CPU with the core that must answer, polling only keeps it from running.
        const busyUntil = start + (this.#sharesCpuWith(this.#lastTarget) ? 0 : Math.min(spin, POLL_BEFORE_SLEEP_MS));
        let got = false;
        while (now() < busyUntil) {
          if (this.#inbound.hasWork(false)) {
            got = true;
            break;
          }
        }
        const rest = spin - (now() - start);
        if (!got && rest > 0) this.#bell.parkSync(this.#hasReplies, rest);
        // The spin is over: this thread no longer waits on that CPU. A stale word made the
        // 'hybrid' core pinned there sleep at once whenever idle, long after the main thread
        // had parked in its event loop (core-to-core ping-pong ~60 µs per round trip, futex
        // wakes each way, instead of ~4 µs).
        Atomics.store(this.#mainWords, ControlWord.CPU, -1);
        if (got || this.#inbound.hasWork(false)) this.#receive();
      }
      this.#arm();
    }
    if (waiting > 0 && this.#overflowTimer === null) {
      // A core frees room without ringing us: retry soon (never a busy loop on the event loop).
      this.#overflowTimer = setTimeout(() => {
        this.#overflowTimer = null;
        this.#flush();
      }, 1);
    }
  };

  /**
   * True while less than `idle.yieldMs` passed since the first reply spin of this event-loop
   * turn: a request loop answered within the spin would otherwise run in microtasks for ever, and the main
   * thread's timers and sockets would never get a turn. Past it, requests park (waitAsync), so
   * the event loop runs; the next turn spins again.
   */
  #spinBudget(): boolean {
    const t = now();
    if (this.#spinTurnStart < 0) {
      this.#spinTurnStart = t;
      setImmediate(this.#endSpinTurn);
    }
    return t - this.#spinTurnStart < this.#plan.idle.yieldMs;
  }

  /**
   * True when this thread runs on the CPU `core` is pinned to (a sample: threads move). Also
   * published in the main thread's CPU word for the length of the reply spin (`#flush()` sets
   * it back to -1 after), where a `'hybrid'` core reads it to sleep its spin rather than poll
   * while the main thread waits on its CPU. Unpinned cores: always false.
   */
  #sharesCpuWith(core: number): boolean {
    const pinned = this.#plan.cpus[core];
    if (pinned === null || pinned === undefined || !this.#knowsCpu) return false;
    let cpu: number;
    try {
      cpu = currentCpu();
    } catch {
      this.#knowsCpu = false;
      return false;
    }
    // A sample for the cores' spin (a relaxed hint: a stale value costs latency, never correctness).
    Atomics.store(this.#mainWords, ControlWord.CPU, cpu);
    return cpu === pinned;
  }

  readonly #hasReplies = (): boolean => this.#inbound.hasWork(false);

  readonly #endSpinTurn = (): void => {
    this.#spinTurnStart = -1;
  };

  /** `'block'`: waits (blocking this thread) until `out`'s overflow queue is under its limit. */
  #waitForRoom(out: Outbound): void {
    const deadline = now() + this.#plan.blockTimeoutMs;
    for (;;) {
      this.#receive(); // a core may wait for room in its ring to us: keep taking replies
      if (out.flush() < this.#plan.overflow) return;
      const remaining = deadline - now();
      if (remaining <= 0) {
        throw new CorelaneError(
          ErrorCode.TIMEOUT,
          `core ${out.target} took no message for ${this.#plan.blockTimeoutMs} ms (backpressure 'block')`,
        );
      }
      if (out.producer.peerClosed) {
        // The core's thread ended (its restart needs this thread's event loop): do not wait.
        throw new CorelaneError(
          ErrorCode.CORE_RESTARTED,
          `core ${out.target} died while send() waited for room in its ring`,
        );
      }
      out.producer.waitWritable(Math.max(1, Math.min(20, Math.ceil(remaining))));
    }
  }

  // ── receiving replies ────────────────────────────────────────────────────────────────

  readonly #onRecord = (source: number, data: Uint8Array, offset: number, length: number, type: number): void => {
    const f = this.#frame.parse(data, offset, length, type);
    if (f.kind !== Kind.REPLY && f.kind !== Kind.ERROR) return;
    let ok = f.kind === Kind.REPLY;
    let value: unknown;
    try {
      if (!ok) value = decodeError(data.subarray(f.valueStart, f.valueEnd), source);
      else if (f.intValue) value = readI32(data, f.valueStart);
      else if (!f.noValue) value = this.#codec.decodeKept(data, f.valueStart, f.valueEnd);
    } catch (error) {
      ok = false;
      value = error;
    }
    const sentAt = this.#pending.settle(f.id, ok, value);
    if (sentAt > 0) this.#latency.record(sentAt, now());
  };

  #receive(): void {
    while (this.#inbound.drain(this.#onRecord, 1 << 20, false) > 0) {}
  }

  /** Parks on the main thread's doorbell (without blocking: waitAsync) while requests wait. */
  #arm(): void {
    if (this.#armed) return;
    for (;;) {
      if (this.#pending.size === 0) return;
      const wait = this.#bell.park(() => this.#inbound.hasWork(false), Number.POSITIVE_INFINITY);
      if (wait === null) {
        this.#receive();
        continue;
      }
      this.#armed = true;
      void wait.then(() => {
        this.#bell.unpark();
        this.#armed = false;
        this.#receive();
        this.#arm();
      });
      return;
    }
  }

  // ── the control plane ────────────────────────────────────────────────────────────────

  readonly #onCoreMessage = (handle: CoreHandle, message: CoreMessage): void => {
    if (message.type === 'drained') this.#drained.get(handle.core)?.();
    else if (message.type === 'stopped') {
      if (message.error !== undefined)
        this.emit('handlerError', { core: handle.core, error: errorFromData(message.error, handle.core), count: 1 });
      // Its exit now is the expected one (the death handler ignores a stopped core).
      handle.phase = 'stopped';
      this.#stopped.get(handle.core)?.();
    } else if (message.type === 'handler-error') {
      this.emit('handlerError', {
        core: handle.core,
        error: errorFromData(message.error, handle.core),
        count: message.count,
      });
    }
  };

  readonly #onDeath = (handle: CoreHandle, death: CoreDeath): void => {
    const core = handle.core;
    if (this.#state !== 'running') {
      if (this.#state === 'stopping') {
        // Before its stop message (draining): what it had not handled is lost. In its onStop:
        // the rings were drained, but onStop did not finish.
        this.#stopFailures.push(
          handle.phase === 'stopping'
            ? `core ${core} died in its onStop (${death.error !== null ? death.reason : `exit code ${death.exitCode}`})`
            : `core ${core} died while the runtime stopped (${death.reason}): messages sent to it before stop() and not yet handled were not handled`,
        );
      }
      handle.phase = 'stopped';
      this.#drained.get(core)?.();
      this.#stopped.get(core)?.();
      return;
    }
    const t = now();
    const window = this.#plan.restartWindowMs;
    while (handle.restartTimes.length > 0 && t - (handle.restartTimes[0] as number) > window)
      handle.restartTimes.shift();
    if (handle.restartTimes.length >= this.#plan.restartMax) {
      this.#fail(
        new CorelaneError(
          ErrorCode.CORE_FAILED,
          `core ${core} died ${handle.restartTimes.length + 1} times within ${window} ms (restart limit ${this.#plan.restartMax}): ${death.reason}`,
          { cause: death.error ?? undefined },
        ),
      );
      return;
    }
    handle.restartTimes.push(t);
    handle.restarts++;
    handle.phase = 'restarting';
    handle.stuck = false;
    // Replies the core published before it died are answers: take them before rejecting what
    // is left. After 'exit' the thread has ended, so everything it published is visible here.
    this.#receive();
    this.#reattach(core);
    // A core killed without its exit hooks (out of memory, terminate()) still holds an epoch slot
    // of the shared map: the thread has ended ('exit' fired), so releasing it is safe.
    this.#releaseShared(core);
    this.#pending.rejectTarget(
      core,
      () =>
        new CorelaneError(
          ErrorCode.CORE_RESTARTED,
          `core ${core} died (${death.reason}) while this request was in flight; it was restarted`,
        ),
    );
    for (const other of this.#handles) if (other !== handle) other.post({ type: 'peer-restarted', core });
    this.#spawn(handle, handle.restarts).then(
      () => {
        const event: RestartEvent = {
          core,
          cpu: handle.cpu,
          restarts: handle.restarts,
          reason: death.reason,
          error: death.error,
        };
        this.emit('restart', event);
      },
      (error: unknown) => this.#fail(error as Error),
    );
  };

  /**
   * Gives a dead core's ring roles back so the new core can attach where it stopped: its
   * inbound rings' consumer role, its outbound rings' producer role. The records its last
   * `read()` had handed out (and not published as consumed, since it died inside it) are
   * skipped: the one that killed the core is among them. See mesh/inbound.ts.
   */
  #reattach(core: number): void {
    // Runs after the worker's 'exit': its thread has ended, so its plain stores to the control
    // slot (HANDLED, HANDLING_*) are visible here, and nothing else writes them until the new core starts.
    const n = this.#plan.cores;
    const words = controlWords(this.#control, core);
    for (let e = 0; e <= n; e++) {
      if (e === core) continue;
      releaseRole(this.#rings[ringIndex(e, core, n)] as SharedArrayBuffer, 'consumer');
      releaseRole(this.#rings[ringIndex(core, e, n)] as SharedArrayBuffer, 'producer');
    }
    const source = words[ControlWord.HANDLING_RING] as number;
    const handed = words[ControlWord.HANDLED] as number;
    if (source >= 0 && source !== core && source <= n && handed > 0) {
      const ring = this.#rings[ringIndex(source, core, n)] as SharedArrayBuffer;
      if (ringHead(ring) === words[ControlWord.HANDLING_HEAD]) {
        const skip = new ByteRingConsumer(ring, { autoFlush: false });
        skip.readOffsets(() => {}, handed);
        skip.close();
      }
    }
    words[ControlWord.HANDLING_RING] = -1;
    words[ControlWord.HOLD] = 0;
    Atomics.store(words, ControlWord.PARKED, 0);
  }

  #fail(error: Error): void {
    if (this.#state === 'failed' || this.#state === 'stopped') return;
    this.#state = 'failed';
    this.#failure = error;
    this.#stopHeartbeat();
    this.#pending.rejectTarget(-1, () => error);
    for (const h of this.#handles) {
      h.phase = 'failed';
      void h.terminate();
    }
    for (const resolve of [...this.#drained.values(), ...this.#stopped.values()]) resolve();
    this.emit('error', error);
  }

  #startHeartbeat(): void {
    const every = this.#plan.heartbeatMs;
    this.#heartbeat = setInterval(() => {
      for (const h of this.#handles) {
        if (h.phase !== 'running') continue;
        const words = controlWords(this.#control, h.core);
        const beat = Atomics.load(words, ControlWord.HEARTBEAT);
        const parked = Atomics.load(words, ControlWord.PARKED) !== 0;
        if (beat !== h.lastHeartbeat || parked) {
          h.lastHeartbeat = beat;
          if (h.stuck) {
            h.stuck = false;
            this.emit('unstuck', { core: h.core, cpu: h.cpu, sinceMs: 0 } satisfies StuckEvent);
          }
        } else if (!h.stuck) {
          h.stuck = true;
          this.emit('stuck', { core: h.core, cpu: h.cpu, sinceMs: every } satisfies StuckEvent);
        }
      }
    }, every);
    this.#heartbeat.unref();
  }

  #stopHeartbeat(): void {
    if (this.#heartbeat !== null) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
  }

  // ── stats ────────────────────────────────────────────────────────────────────────────

  /** Per-core counters (a sample each core publishes once per loop turn) and request latency. */
  stats(): RuntimeStats {
    const cores: CoreStats[] = this.#handles.map((h) => {
      const c = controlCounters(this.#control, h.core);
      const busyMs = c[Counter.BUSY_MS] as number;
      const idleMs = c[Counter.IDLE_MS] as number;
      return {
        core: h.core,
        cpu: h.cpu,
        restarts: h.restarts,
        stuck: h.stuck,
        holding: Atomics.load(controlWords(this.#control, h.core), ControlWord.HOLD) === 1,
        messagesIn: c[Counter.MESSAGES_IN] as number,
        messagesOut: c[Counter.MESSAGES_OUT] as number,
        requests: c[Counter.REQUESTS] as number,
        busyMs,
        idleMs,
        utilization: busyMs + idleMs > 0 ? busyMs / (busyMs + idleMs) : 0,
        parks: c[Counter.PARKS] as number,
        wakeups: c[Counter.WAKEUPS] as number,
        ringBytes: c[Counter.RING_BYTES] as number,
        overflow: c[Counter.OVERFLOW] as number,
        overflowMax: c[Counter.OVERFLOW_MAX] as number,
        dropped: c[Counter.DROPPED] as number,
        timers: c[Counter.TIMERS] as number,
        timersFired: c[Counter.TIMERS_FIRED] as number,
        loopLagMs: c[Counter.LOOP_LAG_MS] as number,
        handlerErrors: c[Counter.HANDLER_ERRORS] as number,
        turns: c[Counter.TURNS] as number,
      };
    });
    return {
      cores,
      main: {
        pending: this.#pending.size,
        overflow: this.#sender.overflowDepth,
        dropped: this.#sender.dropped,
        latency: this.#latency.summary(),
      },
    };
  }

  // ── stop ─────────────────────────────────────────────────────────────────────────────

  /**
   * Stops the runtime: every message sent before the call is handled (and the replies to
   * requests among them delivered), then each core runs `onStop`, closes its rings, timers,
   * servers and io ring, and its worker ends. From the call on, `send`/`request` throw
   * `ERR_CORELANE_CLOSED`. Idempotent.
   */
  stop(): Promise<void> {
    if (this.#stopPromise === null) this.#stopPromise = this.#stop();
    return this.#stopPromise;
  }

  async #stop(): Promise<void> {
    if (this.#state === 'failed') {
      await Promise.all(this.#handles.map((h) => h.terminate()));
      this.#releaseShared();
      this.#state = 'stopped';
      return;
    }
    this.#state = 'stopping';
    const deadline = now() + STOP_TIMEOUT_MS;
    const live = () => this.#handles.filter((h) => h.phase === 'running' || h.phase === 'restarting');
    // 1. What the main thread sent reaches the rings, with a DRAIN behind it in each; each
    //    core answers `drained` once it has handled everything before it.
    while (this.#sender.flush() > 0 && now() < deadline) await sleep(1);
    await this.#each(live(), this.#drained, deadline, (h) => this.#sender.control(h.core, ControlOp.DRAIN, null));
    this.#sender.flush();
    // 2. Core-to-core traffic settles: every ring empty, every core idle, twice in a row.
    let quietTwice = 0;
    while (quietTwice < 2 && now() < deadline) {
      await sleep(1);
      this.#receive();
      quietTwice = this.#quiet() ? quietTwice + 1 : 0;
    }
    this.#receive();
    // 3. onStop, close, end (a core that does not answer by the deadline is terminated).
    const stopping = live();
    await this.#each(stopping, this.#stopped, deadline, (h) => {
      h.phase = 'stopping';
      h.post({ type: 'stop' });
    });
    for (const h of stopping) {
      if (h.phase === 'stopping')
        this.#stopFailures.push(`core ${h.core} did not stop within ${STOP_TIMEOUT_MS} ms and was terminated`);
    }
    await Promise.all(this.#handles.map((h) => h.terminate()));
    this.#releaseShared();
    for (const h of this.#handles) h.phase = 'stopped';
    this.#stopHeartbeat();
    if (this.#overflowTimer !== null) clearTimeout(this.#overflowTimer);
    this.#pending.rejectTarget(
      -1,
      () => new CorelaneError(ErrorCode.CLOSED, 'the runtime stopped before this request was answered'),
    );
    for (const out of this.#sender.outbound) out?.producer.close();
    this.#inbound.close();
    this.#state = 'stopped';
    // Stopped all the same (every worker ended, every resource released); but not cleanly.
    if (this.#stopFailures.length > 0) throw new CorelaneError(ErrorCode.CORE_FAILED, this.#stopFailures.join('; '));
  }

  /** Does `start(h)` for each handle and waits until each answered (its resolver in `waiters` ran) or `deadline`. */
  async #each(
    handles: CoreHandle[],
    waiters: Map<number, () => void>,
    deadline: number,
    start: (h: CoreHandle) => void,
  ): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, deadline - now()));
    });
    const answers = handles.map(
      (h) =>
        new Promise<void>((resolve) => {
          waiters.set(h.core, resolve);
          start(h);
        }),
    );
    await Promise.race([Promise.all(answers), late]);
    clearTimeout(timer);
    waiters.clear();
  }

  #quiet(): boolean {
    const endpoints = this.#handles.length + 1;
    for (let i = 0; i < this.#rings.length; i++) {
      const ring = this.#rings[i];
      // What waits in the ring of a core that died while stopping stays there (reported lost).
      const to = this.#handles[i % endpoints];
      if (ring !== null && ring !== undefined && !ringEmpty(ring) && to?.phase !== 'stopped') return false;
    }
    for (const h of this.#handles) {
      if (h.phase !== 'running') continue;
      const words = controlWords(this.#control, h.core);
      if (words[ControlWord.IDLE] !== 1) return false;
      if ((controlCounters(this.#control, h.core)[Counter.BACKLOG] as number) > 0) return false;
    }
    return true;
  }
}
