// The per-key locks of one core (the owner side of a cross-core command, as Dragonfly's VLL):
// a coordinator takes the keys of its command that this core owns; until it releases them, a
// command that touches one of them waits here, in arrival order, and commands on other keys
// run at once. Everything runs on the core's own thread: no atomics, only order.
//
//   held:  key ──▶ holder (one coordinator's transaction id, `<core>:<incarnation>:<seq>`)
//   whole: the holder of the whole keyspace (FLUSHALL, DBSIZE, KEYS over every core), or null
//   queue: [ entry, entry, … ]  each a command or a lock request, with its claim (keys | all)
//
// An entry runs once no held key and no earlier waiting entry claims one of its keys (and, for
// a connection's command, no earlier command of the same connection still waits: a client's
// commands on this core keep their order). A lock request waits like a command, so a
// coordinator never overtakes commands that arrived before it (no starvation either way).
import type { Session } from '../commands/context.js';
import { keyPositions } from '../commands/spec.js';
import { lookupCommand } from '../commands/table.js';
import type { Reply } from '../resp/reply.js';
import type { Dispatcher } from './dispatcher.js';
import type { ShardDispatcher } from './shard-dispatcher.js';

/** What a command or a lock request needs: some keys, or the whole keyspace (`all`). */
export interface Claim {
  readonly keys: readonly string[];
  readonly all: boolean;
}

type Dispatched = { reply: Reply | Promise<Reply>; blocking: boolean };

interface Entry {
  readonly claim: Claim;
  /** The connection whose command it is (null: a lock request). */
  readonly session: Session | null;
  readonly start: () => void;
}

/** Commands that read or change every key of a core: they wait for every lock. */
const WHOLE_KEYSPACE = new Set(['flushall', 'flushdb', 'dbsize', 'keys', 'scan', 'randomkey']);

const NOTHING: Claim = { keys: [], all: false };

/** The keys `argv` touches; for EXEC those of the queued commands (`multi`). */
export function claimOf(argv: readonly string[], multi: readonly string[][] | null): Claim {
  const spec = lookupCommand(argv);
  if (spec === null) return NOTHING;
  if (multi !== null) {
    // Inside MULTI a command is only queued; EXEC runs the queue.
    if (spec.name !== 'exec') return NOTHING;
    const keys: string[] = [];
    let all = false;
    for (const q of multi) {
      const c = claimOf(q, null);
      all ||= c.all;
      keys.push(...c.keys);
    }
    return { keys, all };
  }
  if (WHOLE_KEYSPACE.has(spec.name)) return { keys: [], all: true };
  const positions = keyPositions(spec, argv as string[]);
  return positions.length === 0 ? NOTHING : { keys: positions.map((i) => argv[i] as string), all: false };
}

/** What earlier entries claim, while deciding whether a later one may run. */
class Claimed {
  readonly keys = new Set<string>();
  readonly sessions = new Set<Session>();
  all = false;

  add(e: Entry): void {
    for (const k of e.claim.keys) this.keys.add(k);
    this.all ||= e.claim.all;
    if (e.session !== null) this.sessions.add(e.session);
  }
}

/** Runs a core's commands through its key locks (the core's own {@link Dispatcher}). */
export class KeyGate implements Dispatcher {
  private readonly held = new Map<string, string>();
  /** The holder of the whole keyspace (a keyspace-wide command over every core), or null. */
  private whole: string | null = null;
  private readonly holders = new Map<string, string[]>();
  private queue: Entry[] = [];

  constructor(readonly inner: ShardDispatcher) {}

  get maxBulkBytes(): number {
    return this.inner.maxBulkBytes;
  }

  /** How many keys are locked and how many entries wait (tests). */
  get stats(): { locked: number; waiting: number } {
    return { locked: this.held.size + (this.whole === null ? 0 : 1), waiting: this.queue.length };
  }

  dispatch(argv: string[], session: Session): Dispatched {
    // The common case, nothing locked: no allocation, no lookup.
    if (this.idle()) return this.inner.dispatch(argv, session);
    return this.submit(session, claimOf(argv, session.multi), () => this.inner.dispatch(argv, session));
  }

  /**
   * Runs `run` now when `claim` is free, or once it is (the reply a Promise then, and
   * `blocking`: the connection sends nothing more until it answered).
   */
  submit(session: Session, claim: Claim, run: () => Dispatched): Dispatched {
    if (this.idle()) return run();
    if (!this.blocked(claim, session, this.claimedByQueue())) return run();
    let resolve: (r: Reply | Promise<Reply>) => void = () => {};
    const reply = new Promise<Reply>((r) => {
      resolve = r;
    });
    this.queue.push({ claim, session, start: () => resolve(run().reply) });
    return { reply, blocking: true };
  }

  /**
   * The connection closed. After its commands still waiting here, not before: a BLPOP of its
   * that waits must not park once it left (it would take an element for no one).
   */
  disconnect(session: Session): void {
    if (!this.queue.some((e) => e.session === session)) {
      this.inner.disconnect(session);
      return;
    }
    this.queue.push({
      claim: NOTHING,
      session,
      start: () => this.inner.disconnect(session),
    });
  }

  /**
   * Locks `keys` for `holder` (`all`: the whole keyspace); resolves once every one is its own
   * (in arrival order).
   */
  lock(holder: string, keys: readonly string[], all = false): Promise<void> {
    const claim: Claim = { keys: all ? [] : [...new Set(keys)], all };
    // Free, and claimed by no command waiting before it: taken at once.
    if (!this.blocked(claim, null, this.claimedByQueue())) {
      this.take(holder, claim);
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      this.queue.push(
        new LockEntry(holder, claim, () => {
          this.take(holder, claim);
          resolve();
        }),
      );
    });
  }

  /** Whether `holder` holds locks here. */
  holds(holder: string): boolean {
    return this.holders.has(holder);
  }

  /** Releases `holder`'s keys and runs what waited on them. */
  unlock(holder: string): void {
    const keys = this.holders.get(holder);
    if (keys === undefined) return;
    this.holders.delete(holder);
    for (const k of keys) this.held.delete(k);
    if (this.whole === holder) this.whole = null;
    this.drain();
  }

  /**
   * Releases every lock whose holder id starts with `prefix` (`<core>:`: that coordinator core
   * died and restarted) and drops its lock requests still waiting: locks die with their owner.
   */
  dropHolders(prefix: string): void {
    for (const holder of [...this.holders.keys()]) {
      if (holder.startsWith(prefix)) {
        for (const k of this.holders.get(holder) ?? []) this.held.delete(k);
        this.holders.delete(holder);
        if (this.whole === holder) this.whole = null;
      }
    }
    this.queue = this.queue.filter((e) => !(e instanceof LockEntry && e.holder.startsWith(prefix)));
    this.drain();
  }

  private take(holder: string, claim: Claim): void {
    this.holders.set(holder, [...claim.keys]);
    for (const k of claim.keys) this.held.set(k, holder);
    if (claim.all) this.whole = holder;
  }

  /** Nothing locked, nothing waiting: a command runs at once (a caller may skip `submit()` and its claim). */
  idle(): boolean {
    return this.held.size === 0 && this.whole === null && this.queue.length === 0;
  }

  private claimedByQueue(): Claimed {
    const claimed = new Claimed();
    for (const e of this.queue) claimed.add(e);
    return claimed;
  }

  /** Whether an entry with `claim` (of `session`) must wait behind what is held or `claimed`. */
  private blocked(claim: Claim, session: Session | null, claimed: Claimed): boolean {
    if (session !== null && claimed.sessions.has(session)) return true;
    // The whole keyspace is locked: every command with keys (or with all of them) waits.
    if (this.whole !== null && (claim.all || claim.keys.length > 0)) return true;
    if (claim.all) return this.held.size > 0 || claimed.all || claimed.keys.size > 0;
    if (claim.keys.length > 0 && claimed.all) return true;
    for (const k of claim.keys) if (this.held.has(k) || claimed.keys.has(k)) return true;
    return false;
  }

  /** Starts, in order, every waiting entry nothing before it blocks any longer. */
  private drain(): void {
    const claimed = new Claimed();
    const rest: Entry[] = [];
    const queue = this.queue;
    this.queue = rest;
    for (let i = 0; i < queue.length; i++) {
      const e = queue[i] as Entry;
      if (this.blocked(e.claim, e.session, claimed)) {
        claimed.add(e);
        rest.push(e);
        continue;
      }
      // A lock request takes its keys here, so the entries after it see them held.
      e.start();
    }
    // Served parked clients of keys the released transaction pushed to.
    this.inner.serve();
  }
}

/** A waiting lock request (the holder is kept so a dead coordinator's requests can be dropped). */
class LockEntry implements Entry {
  readonly session = null;
  constructor(
    readonly holder: string,
    readonly claim: Claim,
    readonly start: () => void,
  ) {}
}
