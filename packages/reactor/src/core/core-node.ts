import type { Server } from 'node:net';
import { SharedMap } from '@corelane/lockfree';
import type { RouterKey } from '@corelane/router';
import { CorelaneError, CorelaneRangeError, ErrorCode, requireInteger } from '@corelane/shared';
import { ByteRingProducer } from '@corelane/spsc';
import { IoRing } from '@corelane/uring';
import type { RingCodec } from '../codec/codec.js';
import { ControlOp, FrameView, Kind, readI32 } from '../codec/frame.js';
import { decodeKey } from '../codec/key.js';
import type { CoreDefinition } from '../define-core.js';
import { Doorbell } from '../mesh/doorbell.js';
import { Inbound } from '../mesh/inbound.js';
import { Counter, controlCounters, controlWords, ringIndex } from '../mesh/layout.js';
import { Outbound } from '../mesh/outbound.js';
import { Owners } from '../mesh/owners.js';
import { Sender } from '../mesh/sender.js';
import { PendingRequests } from '../pending.js';
import { decodeError, encodeError } from '../remote-error.js';
import { CoreTimers } from '../timers/timers.js';
import type { BootData } from './boot-data.js';
import type { CoreContext, CoreListenOptions } from './context-types.js';
import { listen } from './listen.js';
import type { StateHost } from './state-seam.js';

/** A message a core sends to itself: it never touches a ring, but keeps the same order and copy semantics. */
interface LocalMessage {
  kind: number;
  id: number;
  key: RouterKey | undefined;
  bytes: Uint8Array | null;
}

const now = () => performance.now();

/** Rounds of the drain phase in one loop pass, at most (each takes up to `budget` records per ring). */
const DRAIN_ROUNDS = 8;

/**
 * The core side of one core: its end of the mesh, the dispatch of each record to the
 * definition's handler, the requests it waits on, and the `ctx` its hooks get. The loop
 * (loop.ts) drives it; nothing here waits.
 */
export class CoreNode {
  readonly core: number;
  readonly cores: number;
  readonly cpu: number | null;
  readonly definition: CoreDefinition;
  readonly inbound: Inbound;
  readonly sender: Sender;
  readonly doorbell: Doorbell;
  readonly timers: CoreTimers;
  readonly pending = new PendingRequests();
  readonly ctx: CoreContext;
  readonly servers = new Set<Server>();
  readonly counters: Float64Array;
  readonly controlWords: Int32Array;
  /** The main thread's control words. */
  readonly mainControlWords: Int32Array;
  readonly #codec: RingCodec;
  readonly #main: number;
  readonly #budget: number;
  readonly #frame = new FrameView();
  #local: LocalMessage[] = [];
  /** The last string key `#owner()` hashed, and its owner. */
  #lastKey: string | null = null;
  #lastOwner = 0;
  readonly #owners: Owners;
  #io: IoRing | null = null;
  /** `ctx.shared`: this core's side of the runtime's SharedMap (closed in close()). */
  readonly #shared: SharedMap | null;
  state: StateHost | null = null;
  /** True while the loop runs its phases: writes then need no flush of their own. */
  inTurn = false;
  #flushQueued = false;
  /** Async handlers still running. */
  backlog = 0;
  messagesIn = 0;
  messagesOut = 0;
  requests = 0;
  handlerErrors = 0;
  /** The main thread asked for `drained` once everything before its DRAIN is handled. */
  drainRequested = false;
  /** Called when a handler of a message without a reply throws. */
  onHandlerError: (error: unknown) => void = () => {};
  /** Called when a message arrives from outside a turn (a self-send from a socket callback): wake the loop. */
  onLocalWork: () => void = () => {};

  constructor(boot: BootData, definition: CoreDefinition, codec: RingCodec, cpu: number | null) {
    const { core, plan, rings, control } = boot;
    const cores = plan.cores;
    this.core = core;
    this.cores = cores;
    this.cpu = cpu;
    this.#owners = new Owners(cores);
    this.definition = definition;
    this.#codec = codec;
    this.#main = cores;
    this.#budget = plan.budget;
    this.controlWords = controlWords(control, core);
    this.mainControlWords = controlWords(control, cores);
    this.counters = controlCounters(control, core);
    this.doorbell = new Doorbell(this.controlWords);
    const sources: { source: number; ring: SharedArrayBuffer }[] = [];
    const outbound: (Outbound | null)[] = [];
    for (let e = 0; e <= cores; e++) {
      if (e === core) {
        outbound.push(null);
        continue;
      }
      sources.push({ source: e, ring: rings[ringIndex(e, core, cores)] as SharedArrayBuffer });
      const producer = new ByteRingProducer(rings[ringIndex(core, e, cores)] as SharedArrayBuffer, {
        autoFlush: false,
      });
      outbound.push(new Outbound(producer, e, new Doorbell(controlWords(control, e))));
    }
    this.inbound = new Inbound(sources, this.controlWords, cores);
    this.sender = new Sender(
      outbound,
      codec,
      plan.policy,
      plan.overflow,
      () => {}, // 'block' in a core: keep the message; the loop stops taking from the main thread (hold)
      this.#afterWrite,
      cores,
    );
    this.timers = new CoreTimers(now, (error) => this.#handlerFailed(error));
    // Takes one of the map's epoch slots; a hard death leaves it to the main thread's releaseThread().
    this.#shared = boot.shared === null ? null : SharedMap.attach(boot.shared);
    this.ctx = this.#makeContext(boot.data, boot.restarts);
  }

  /** Writes outside a loop turn (async replies, socket callbacks) are flushed at the end of their task. */
  readonly #afterWrite = (): void => {
    if (!this.inTurn && !this.#flushQueued) {
      this.#flushQueued = true;
      queueMicrotask(this.#flushFromMicrotask);
    }
  };

  readonly #flushFromMicrotask = (): void => {
    this.#flushQueued = false;
    this.sender.flush();
  };

  #makeContext(data: unknown, restarts: number): CoreContext {
    const node = this;
    return {
      core: this.core,
      cores: this.cores,
      cpu: this.cpu,
      restarts,
      data,
      owner: (key) => node.#owner(key),
      send: (key, value) => node.#send(node.#owner(key), Kind.SEND, key, value),
      request: (key, value) => node.#request(node.#owner(key), key, value),
      sendTo: (core, value) => node.#send(node.#checkCore(core), Kind.SEND, undefined, value),
      requestTo: (core, value) => node.#request(node.#checkCore(core), undefined, value),
      get shared() {
        if (node.#shared === null) {
          throw new CorelaneError(ErrorCode.INVALID_STATE, 'ctx.shared needs Runtime.start({ shared: SharedMap })');
        }
        return node.#shared;
      },
      timers: this.timers,
      get io() {
        if (node.#io === null) node.#io = new IoRing();
        return node.#io;
      },
      listen: (port: number | CoreListenOptions, onConnection) => listen(node.servers, node.cores, port, onConnection),
      get state() {
        if (node.state === null) {
          throw new CorelaneError(
            ErrorCode.INVALID_STATE,
            'ctx.state needs defineCore({ state }) and Runtime.start({ dataDir })',
          );
        }
        return node.state.state;
      },
      commit: (record) => {
        if (node.state === null) {
          return Promise.reject(
            new CorelaneError(
              ErrorCode.INVALID_STATE,
              'ctx.commit() needs defineCore({ state }) and Runtime.start({ dataDir })',
            ),
          );
        }
        const committed = node.state.commit(record);
        node.#lastCommit = committed;
        return committed;
      },
    };
  }

  /**
   * `partition(key, cores)` (through `Owners`), remembering the last string key: the common
   * `if (ctx.owner(k) !== ctx.core) ctx.send(k, v)` looks `k` up once, not twice. Only strings
   * are remembered (a Uint8Array may change between the calls; numbers hash cheaply).
   */
  #owner(key: RouterKey): number {
    if (key === this.#lastKey) return this.#lastOwner;
    const owner = this.#owners.of(key);
    if (typeof key === 'string') {
      this.#lastKey = key;
      this.#lastOwner = owner;
    }
    return owner;
  }

  #checkCore(core: unknown): number {
    if (core === this.core) return this.core;
    const n = requireInteger('core', core, 0, 2 ** 31 - 1);
    if (n >= this.cores)
      throw new CorelaneRangeError(ErrorCode.OUT_OF_RANGE, `core must be in 0..${this.cores - 1}, got ${n}`);
    return n;
  }

  #send(target: number, kind: number, key: RouterKey | undefined, value: unknown, id = 0): boolean {
    this.messagesOut++;
    if (target === this.core) {
      const bytes = value === undefined ? null : this.#codec.encode(value);
      this.#local.push({ kind, id, key, bytes: bytes === null ? null : bytes.slice() });
      if (!this.inTurn) this.onLocalWork();
      return true;
    }
    return this.sender.message(target, kind, id, key, value);
  }

  #request(target: number, key: RouterKey | undefined, value: unknown): Promise<unknown> {
    const { id, promise } = this.pending.add(target, 0);
    try {
      if (!this.#send(target, Kind.REQUEST, key, value, id)) {
        this.pending.forget(id);
        return Promise.reject(
          new CorelaneError(ErrorCode.BACKPRESSURE, `request to core ${target} dropped: its queue is full`),
        );
      }
    } catch (error) {
      this.pending.forget(id);
      return Promise.reject(error);
    }
    return promise;
  }

  /** Messages sent to itself, waiting for the next drain. */
  get localWaiting(): number {
    return this.#local.length;
  }

  /**
   * The loop's drain phase: every inbound ring round-robin, `budget` records from each per
   * round, rounds repeated while they find records (up to DRAIN_ROUNDS), then the messages
   * to itself. One round per pass took at most `budget` records of a peer while the handlers
   * of that pass could send it many more (a core generating events in chunks larger than the
   * budget): the rings then filled and every further record went through the overflow
   * queue, a copy each. Every round is round-robin, so a flooding peer still cannot starve
   * the others.
   */
  drain(hold: boolean): number {
    let n = 0;
    for (let round = 0; round < DRAIN_ROUNDS; round++) {
      const got = this.inbound.drain(this.#onRecord, this.#budget, hold);
      if (got === 0) break;
      n += got;
    }
    if (this.#local.length > 0) {
      const local = this.#local;
      this.#local = [];
      for (const m of local) {
        const value = m.bytes === null ? undefined : this.#codec.decode(m.bytes);
        this.#handle(this.core, m.kind, m.id, m.key, value);
      }
      n += local.length;
    }
    return n;
  }

  readonly #onRecord = (source: number, data: Uint8Array, offset: number, length: number, type: number): void => {
    const f = this.#frame.parse(data, offset, length, type);
    const kind = f.kind;
    if (kind === Kind.SEND || kind === Kind.REQUEST) {
      const key = f.keyTag === 0 ? undefined : decodeKey(f.keyTag, data, f.keyStart, f.keyEnd);
      let value: unknown;
      if (f.intValue) value = readI32(data, f.valueStart);
      else if (!f.noValue) {
        try {
          value = this.#codec.decodeAt(data, f.valueStart, f.valueEnd);
        } catch (error) {
          if (kind === Kind.REQUEST) this.sender.replyError(source, f.id, encodeError(error));
          else this.#handlerFailed(error);
          return;
        }
      }
      this.#handle(source, kind, f.id, key, value);
    } else if (kind === Kind.REPLY) {
      let value: unknown;
      if (f.intValue) value = readI32(data, f.valueStart);
      else if (!f.noValue) {
        try {
          // Kept: the reply outlives this record (it resolves a promise later).
          value = this.#codec.decodeKept(data, f.valueStart, f.valueEnd);
        } catch (error) {
          this.pending.settle(f.id, false, error);
          return;
        }
      }
      this.pending.settle(f.id, true, value);
    } else if (kind === Kind.ERROR) {
      this.pending.settle(f.id, false, decodeError(data.subarray(f.valueStart, f.valueEnd), source));
    } else if (kind === Kind.CONTROL && f.id === ControlOp.DRAIN) {
      this.drainRequested = true;
    }
  };

  #handle(source: number, kind: number, id: number, key: RouterKey | undefined, value: unknown): void {
    this.messagesIn++;
    if (kind === Kind.REQUEST) this.requests++;
    let result: unknown;
    try {
      result = this.definition.onMessage(this.ctx, key, value);
    } catch (error) {
      if (kind === Kind.REQUEST) this.#reply(source, id, false, error);
      else this.#handlerFailed(error);
      return;
    }
    if (result !== null && typeof result === 'object' && typeof (result as Promise<unknown>).then === 'function') {
      this.backlog++;
      (result as Promise<unknown>).then(
        (v) => {
          if (kind === Kind.REQUEST) this.#reply(source, id, true, v);
          this.#backlogDone();
        },
        (error) => {
          if (kind === Kind.REQUEST) this.#reply(source, id, false, error);
          else this.#handlerFailed(error);
          this.#backlogDone();
        },
      );
      return;
    }
    if (kind === Kind.REQUEST) this.#reply(source, id, true, result);
  }

  #backlogDone(): void {
    // The last async handler finished: a pending drain may now be answered, by the loop.
    if (--this.backlog === 0 && this.drainRequested) this.onLocalWork();
  }

  /**
   * The newest `ctx.commit()` not known to be durable, or null. Commits become durable in the
   * order they were made (one log, group commit), so once this one settles every earlier one
   * has too.
   */
  #lastCommit: Promise<void> | null = null;

  /**
   * A reply goes out only once every commit made before it is durable (a durability barrier,
   * as Redis answers after its AOF write): a handler that does not await `ctx.commit()` cannot
   * acknowledge an effect a crash could still take back. Without durable state, or with every
   * commit settled, this is one null check.
   */
  #reply(target: number, id: number, ok: boolean, value: unknown): void {
    const barrier = this.#lastCommit;
    if (barrier === null) {
      this.#sendReply(target, id, ok, value);
      return;
    }
    this.backlog++; // a drain (stop) waits for this reply too
    const send = () => {
      if (this.#lastCommit === barrier) this.#lastCommit = null;
      this.#sendReply(target, id, ok, value);
      this.#backlogDone();
    };
    // A failed commit was never applied (records apply once durable); its handler chose not to
    // wait for it, so the reply still goes, with what the handler answered.
    barrier.then(send, send);
  }

  #sendReply(target: number, id: number, ok: boolean, value: unknown): void {
    if (target === this.core) {
      // A request this core made of itself: settle it in place, through the codec like any reply.
      if (!ok) this.pending.settle(id, false, value);
      else {
        try {
          const bytes = value === undefined ? null : this.#codec.encode(value);
          this.pending.settle(id, true, bytes === null ? undefined : this.#codec.decode(bytes.slice()));
        } catch (error) {
          this.pending.settle(id, false, error);
        }
      }
      return;
    }
    if (ok) this.sender.reply(target, id, value, encodeError);
    else this.sender.replyError(target, id, encodeError(value));
  }

  #handlerFailed(error: unknown): void {
    this.handlerErrors++;
    this.onHandlerError(error);
  }

  /** The io completions phase: settles what io_uring completed (only when the ring exists and works). */
  pollIo(): number {
    const io = this.#io;
    return io !== null && io.inFlight > 0 ? io.poll() : 0;
  }

  /** True when the drain phase would find something (re-reads every ring's shared position). */
  hasWork(hold: boolean): boolean {
    return this.#local.length > 0 || this.inbound.hasWork(hold);
  }

  /** Records in flight through this core: async handlers, self-sends, overflow queues. */
  get busyBacklog(): number {
    return this.backlog + this.#local.length + this.sender.overflowDepth;
  }

  /** Publishes the counters to the control block (plain stores: a sample for stats()). */
  publishCounters(extra: {
    busyMs: number;
    idleMs: number;
    parks: number;
    wakeups: number;
    lagMs: number;
    turns: number;
  }): void {
    const c = this.counters;
    c[Counter.MESSAGES_IN] = this.messagesIn;
    c[Counter.MESSAGES_OUT] = this.messagesOut;
    c[Counter.REQUESTS] = this.requests;
    c[Counter.BUSY_MS] = extra.busyMs;
    c[Counter.IDLE_MS] = extra.idleMs;
    c[Counter.PARKS] = extra.parks;
    c[Counter.WAKEUPS] = extra.wakeups;
    c[Counter.RING_BYTES] = this.inbound.waitingBytes;
    const overflow = this.sender.overflowDepth;
    c[Counter.OVERFLOW] = overflow;
    let max = 0;
    for (const out of this.sender.outbound) if (out !== null && out.overflowMax > max) max = out.overflowMax;
    c[Counter.OVERFLOW_MAX] = max;
    c[Counter.DROPPED] = this.sender.dropped;
    c[Counter.TIMERS] = this.timers.size;
    c[Counter.TIMERS_FIRED] = this.timers.fired;
    c[Counter.LOOP_LAG_MS] = extra.lagMs;
    c[Counter.HANDLER_ERRORS] = this.handlerErrors;
    c[Counter.TURNS] = extra.turns;
    c[Counter.BACKLOG] = this.backlog + this.#local.length + overflow;
  }

  /** Rejects this core's requests in flight to `core`, which was restarted. */
  peerRestarted(core: number): void {
    this.pending.rejectTarget(
      core,
      () => new CorelaneError(ErrorCode.CORE_RESTARTED, `core ${core} was restarted while this request was in flight`),
    );
  }

  /** Ends the core: timers, servers, io ring, state, then the rings (published first). */
  async close(): Promise<void> {
    this.timers.clear();
    // Stop accepting; connections still open end with the thread.
    for (const server of this.servers) server.close();
    if (this.#io !== null) this.#io.close();
    if (this.state !== null) await this.state.close();
    this.#shared?.close(); // its epoch slot back, its garbage to whoever frees it
    this.sender.flush();
    for (const out of this.sender.outbound) out?.producer.close();
    this.inbound.close();
  }

  /** The main thread's endpoint number. */
  get main(): number {
    return this.#main;
  }
}
