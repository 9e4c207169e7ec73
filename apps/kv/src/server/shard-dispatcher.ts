// A Dispatcher over one local Shard: runs each command, hands its write records on, parks
// blocking commands and serves them when their keys get elements.
import { BlockRequest, type ServerHooks, type Session } from '../commands/context.js';
import { Shard, type ShardOptions, type WriteRecord } from '../commands/engine.js';
import { PONG, type Reply } from '../resp/reply.js';
import { BlockedClients, type Waiter } from './blocking.js';
import type { Dispatcher } from './dispatcher.js';

/** The longest delay setTimeout honours (a longer one fires after 1 ms). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** `reply`, or once `durable` resolved when there is one (a write acknowledged once logged). */
function after(durable: unknown, reply: Reply): Reply | Promise<Reply> {
  return durable instanceof Promise ? durable.then(() => reply) : reply;
}

/** Options of a {@link ShardDispatcher}. */
export interface ShardDispatcherOptions extends ShardOptions {
  /** INFO, CONFIG, CLIENT LIST and SHUTDOWN ask the server through these. */
  hooks: ServerHooks;
  /**
   * Every write record, in order (where the WAL plugs in). When it returns a Promise, the reply
   * of the command that wrote them waits for it (a write acknowledged once it is durable); a
   * rejection becomes that command's error reply.
   */
  onRecords?: (records: WriteRecord[]) => unknown;
  /**
   * Every reply waits until the writes applied before it are durable (`onRecords`' Promises),
   * as Redis under appendfsync always sends no reply before its fsync: no client reads a
   * value a crash could still lose. Default false (everysec, no: reads answer at once).
   */
  readsWaitForDurability?: boolean;
}

/** Runs every command on one shard of this thread. */
export class ShardDispatcher implements Dispatcher {
  readonly shard: Shard;
  readonly blocked = new BlockedClients();
  private readonly hooks: ServerHooks;
  private readonly onRecords: ((records: WriteRecord[]) => unknown) | undefined;
  private readonly waiters = new Map<Session, Waiter>();
  private readonly readsWait: boolean;
  /** The durability of the latest write not yet durable (readsWaitForDurability), or null. */
  private undurable: Promise<unknown> | null = null;

  constructor(options: ShardDispatcherOptions) {
    this.shard = new Shard(options);
    this.shard.db.onListReady = (key) => this.blocked.markReady(key);
    this.hooks = options.hooks;
    this.onRecords = options.onRecords;
    this.readsWait = options.readsWaitForDurability === true;
  }

  /**
   * What a read must wait for before it answers (readsWait: the writes applied before it, not
   * yet durable), or null. For reads that do not go through `dispatch()`: a cross-core
   * command's lock reading this core's keys (TxHost.lock).
   */
  get readsAfter(): Promise<unknown> | null {
    return this.undurable;
  }

  get maxBulkBytes(): number {
    return this.shard.maxBulkBytes;
  }

  dispatch(argv: string[], session: Session): { reply: Reply | Promise<Reply>; blocking: boolean } {
    const exec = this.shard.execute(argv, session, this.hooks);
    // A command that wrote nothing still answers after the writes before it (readsWait).
    const durable = exec.records.length > 0 ? this.record(exec.records) : this.undurable;
    if (exec.reply instanceof BlockRequest) return { reply: this.park(session, exec.reply), blocking: true };
    this.serveReady();
    return { reply: after(durable, exec.reply), blocking: false };
  }

  disconnect(session: Session): void {
    const waiter = this.waiters.get(session);
    if (waiter) this.unpark(session, waiter);
    this.shard.unwatch(session);
  }

  /**
   * Applies the write records of a cross-core command's piece here (as the WAL replays them)
   * and logs them; the Promise (if any) of their durability. Parked clients are served once the
   * keys are released ({@link ShardDispatcher.serve}).
   */
  applyRecords(records: WriteRecord[]): unknown {
    for (const r of records) this.shard.apply(r);
    return this.record(records);
  }

  /** Serves the parked clients of keys that got elements (after a cross-core command's release). */
  serve(): void {
    this.serveReady();
  }

  /**
   * Calls `onReady` once one of `keys` gets elements (a client parked on another core over keys
   * of several cores waits here); the function returned forgets it. It takes nothing: the
   * client's core retries the whole command. Once it fired it keeps its place until forgotten,
   * and the clients parked after it on its keys wait (Redis serves a key's blocked clients in
   * the order they blocked): the element is left for the retry. Forgetting it serves them.
   */
  notifyReady(keys: string[], onReady: () => void): () => void {
    let fired = false;
    const waiter: Waiter = {
      request: new BlockRequest(keys, 0, () => PONG, PONG),
      session: null,
      timer: null,
      wake: () => {
        if (fired) return;
        fired = true;
        onReady();
      },
    };
    this.blocked.add(waiter);
    return () => {
      this.blocked.remove(waiter);
      // Proof obligation: whatever it held back is served now (no lost wake-up of the clients
      // after it): each of its keys with waiters left is marked ready and served.
      for (const key of keys) this.blocked.markReady(key);
      this.serveReady();
    };
  }

  /** Active expiry (the runtime's timer wheel calls this on its core). */
  tick(now?: number): void {
    this.record(this.shard.tick(now));
  }

  /** Hands `records` on; the Promise (if any) of their durability. */
  private record(records: WriteRecord[]): unknown {
    if (records.length === 0) return undefined;
    const durable = this.onRecords?.(records);
    if (this.readsWait && durable instanceof Promise) {
      // WAL appends become durable in order: the latest one covers every earlier write. A read
      // after a failed write still answers (what it reads is in memory; the write got the error).
      const settled = durable.then(
        () => {},
        () => {},
      );
      this.undurable = settled;
      void settled.then(() => {
        if (this.undurable === settled) this.undurable = null;
      });
    }
    return durable;
  }

  private unpark(session: Session, waiter: Waiter): void {
    this.blocked.remove(waiter);
    this.waiters.delete(session);
  }

  private park(session: Session, request: BlockRequest): Promise<Reply> {
    return new Promise<Reply>((resolve) => {
      const waiter: Waiter = {
        request,
        session,
        timer: null,
        wake: (reply) => {
          this.unpark(session, waiter);
          resolve(reply);
        },
      };
      this.waiters.set(session, waiter);
      this.blocked.add(waiter);
      if (request.timeoutAtMs > 0) this.arm(waiter);
    });
  }

  /** Times the waiter out at its deadline; setTimeout caps a delay at 2^31-1 ms, so re-arm past that. */
  private arm(waiter: Waiter): void {
    const left = waiter.request.timeoutAtMs - Date.now();
    if (left <= 0) {
      waiter.wake(waiter.request.onTimeout);
      return;
    }
    waiter.timer = setTimeout(() => this.arm(waiter), Math.min(left, MAX_TIMER_MS));
  }

  /** Serves parked clients of every key that got elements, oldest first, while elements last. */
  private serveReady(): void {
    for (let keys = this.blocked.takeReady(); keys.length > 0; keys = this.blocked.takeReady()) {
      for (const key of keys) {
        for (const waiter of this.blocked.waiting(key)) {
          // A client parked over several cores: told, it retries; the clients after it wait for that.
          if (waiter.session === null) {
            waiter.wake(PONG);
            break;
          }
          const result = this.shard.retry(waiter.request.retry, waiter.session);
          if (result.reply === undefined) break;
          waiter.wake(after(this.record(result.records), result.reply));
        }
      }
    }
  }
}
