// Routes each command to the core that owns its keys: what a core's dispatcher does on the
// runtime. Each entry of `cores` runs the commands of one core: this core's own KeyGate (its
// shard behind its key locks), and for the others a proxy that sends the command through the
// mesh and returns a Promise of the reply. Commands without keys (PING, CLIENT, CONFIG…) run on
// the connection's own core; FLUSHALL, FLUSHDB, DBSIZE and KEYS on every core (fan-out.ts);
// SCAN, RANDOMKEY, INFO and CLIENT LIST look at every core (keyspace-wide.ts). A command whose
// keys live on several cores is coordinated from here (cross-core.ts).
//
// Transactions: MULTI queues on the connection's core. EXEC runs the queue on the one core that
// owns every key of the queue and of the connection's WATCHes (WATCH registers on the key's
// owner, so that core alone knows whether a watched key changed), or, when they span cores, as
// one cross-core transaction that locks them all. A queue that reads or empties the whole
// keyspace (FLUSHALL, DBSIZE, KEYS… inside MULTI) runs as a cross-core transaction over every
// core's whole keyspace.
import type { Session } from '../commands/context.js';
import { commandName } from '../commands/table.js';
import { ErrorReply, OK, RawReply, type Reply } from '../resp/reply.js';
import { ownerOf, routeCommand } from '../route.js';
import type { CrossCore } from './cross-core.js';
import type { Dispatcher } from './dispatcher.js';
import { combine, fansOut } from './fan-out.js';
import { claimOf } from './key-gate.js';
import { acrossCores } from './keyspace-wide.js';

/**
 * Redis Cluster's answer to a command whose keys live on different nodes: what corelane-kv
 * answers without a coordinator (a RoutingDispatcher built without a CrossCore).
 */
export const CROSSSLOT = new ErrorReply("CROSSSLOT Keys in request don't hash to the same slot");

const UNWATCH = ['UNWATCH'];

type Dispatched = { reply: Reply | Promise<Reply>; blocking: boolean };

function isError(r: Reply): boolean {
  return r instanceof ErrorReply || (r instanceof RawReply && r.bytes[0] === 0x2d); /* - */
}

/** A dispatcher that sends each command to the core owning its keys. */
export class RoutingDispatcher implements Dispatcher {
  /** The keys a session WATCHes on cores other than this one, by core. */
  private readonly watching = new WeakMap<Session, Map<number, Set<string>>>();

  /**
   * @param self - the index of this connection's core in `cores`.
   * @param cores - one dispatcher per core, by core index (= `routeCommand(argv, cores.length)`).
   * @param crossCore - the coordinator of commands over several cores (null: they get CROSSSLOT).
   */
  constructor(
    readonly self: number,
    readonly cores: readonly Dispatcher[],
    readonly crossCore: CrossCore | null = null,
  ) {}

  get maxBulkBytes(): number {
    return (this.cores[this.self] as Dispatcher).maxBulkBytes;
  }

  dispatch(argv: string[], session: Session): Dispatched {
    const own = this.cores[this.self] as Dispatcher;
    // One core owns every key: nothing to route.
    if (this.cores.length === 1) return own.dispatch(argv, session);
    const name = commandName(argv[0] as string);
    if (session.multi !== null) {
      // Inside MULTI commands are only checked and queued, here; EXEC runs the queue where its keys live.
      if (name === 'discard') this.unwatchRemote(session);
      if (name !== 'exec') return own.dispatch(argv, session);
      return this.exec(argv, session);
    }
    const owner = routeCommand(argv, this.cores.length);
    if (owner === -1) {
      // Unauthenticated: the shard answers NOAUTH without touching a key.
      if (!session.authenticated) return own.dispatch(argv, session);
      if (name === 'watch') return this.watchAcross(argv, session);
      if (this.crossCore === null) return { reply: CROSSSLOT, blocking: false };
      // The connection runs nothing else until it answered: its next command sees all of it.
      return { reply: this.crossCore.run(argv, session), blocking: true };
    }
    if (owner === null) {
      if (name === 'unwatch') this.unwatchRemote(session);
      else if (this.cores.length > 1 && session.authenticated) {
        if (fansOut(argv)) {
          const protocol = session.protocol;
          if (this.crossCore !== null) {
            // Atomic over the cores; the connection's later commands wait for it (they must not
            // run on a core before it locked that core).
            const replies = this.crossCore.everyCore(argv, session);
            return { reply: replies.then((rs) => combine(argv, rs, protocol)), blocking: true };
          }
          const replies = this.cores.map((core) => core.dispatch(argv, session).reply);
          return { reply: combine(argv, replies, protocol), blocking: false };
        }
        const across = acrossCores(argv);
        // SCAN asks one core after the other: the connection's later commands wait for it.
        if (across !== null) return { reply: across(argv, session, this.cores, this.self), blocking: name === 'scan' };
      }
      return own.dispatch(argv, session);
    }
    if (name === 'watch' && owner !== this.self) {
      const keys = this.watchedOn(session, owner);
      for (let i = 1; i < argv.length; i++) keys.add(argv[i] as string);
    }
    return (this.cores[owner] as Dispatcher).dispatch(argv, session);
  }

  disconnect(session: Session): void {
    this.watching.delete(session);
    this.crossCore?.disconnect(session);
    for (const core of this.cores) core.disconnect(session);
  }

  /** EXEC: on the one core of every key and WATCH, or across cores (every core when the queue reads the whole keyspace). */
  private exec(argv: string[], session: Session): Dispatched {
    const own = this.cores[this.self] as Dispatcher;
    const queue = session.multi ?? [];
    const owners = new Set(queue.map((q) => routeCommand(q, this.cores.length)).filter((o) => o !== null));
    const remote = this.takeWatching(session);
    for (const core of remote.keys()) owners.add(core);
    // A watched key here that changed already unwatched it (watchDirty): this core must still answer EXEC.
    if (session.watched.size > 0 || session.watchDirty) owners.add(this.self);
    // FLUSHALL, DBSIZE, KEYS… in the queue: every core's keys are the transaction's.
    const wholeKeyspace = queue.some((q) => claimOf(q, null).all);
    if (owners.size <= 1 && !owners.has(-1) && !wholeKeyspace) {
      const [owner] = owners;
      return (this.cores[owner ?? this.self] as Dispatcher).dispatch(argv, session);
    }
    if (session.multiFailed) {
      // EXECABORT: the own core answers it and forgets the WATCHes there.
      this.unwatchOn(remote.keys(), session);
      return own.dispatch(argv, session);
    }
    if (this.crossCore === null) {
      session.multi = null;
      own.dispatch(UNWATCH, session);
      this.unwatchOn(remote.keys(), session);
      return { reply: CROSSSLOT, blocking: false };
    }
    const watched = new Map<number, string[]>();
    if (session.watched.size > 0) watched.set(this.self, [...session.watched.keys()]);
    for (const [core, keys] of remote) watched.set(core, [...keys]);
    return { reply: this.crossCore.exec(session, watched, wholeKeyspace), blocking: true };
  }

  /** WATCH of keys on several cores: one WATCH on each owner (WATCH is not atomic in Redis either). */
  private watchAcross(argv: string[], session: Session): Dispatched {
    const byCore = new Map<number, string[]>();
    for (let i = 1; i < argv.length; i++) {
      const key = argv[i] as string;
      const core = ownerOf(key, this.cores.length);
      byCore.set(core, [...(byCore.get(core) ?? []), key]);
      if (core !== this.self) this.watchedOn(session, core).add(key);
    }
    const replies = [...byCore].map(([core, keys]) =>
      Promise.resolve((this.cores[core] as Dispatcher).dispatch(['WATCH', ...keys], session).reply),
    );
    return { reply: Promise.all(replies).then((rs) => rs.find(isError) ?? OK), blocking: false };
  }

  private watchedOn(session: Session, core: number): Set<string> {
    let byCore = this.watching.get(session);
    if (byCore === undefined) {
      byCore = new Map();
      this.watching.set(session, byCore);
    }
    let keys = byCore.get(core);
    if (keys === undefined) {
      keys = new Set();
      byCore.set(core, keys);
    }
    return keys;
  }

  /** The keys the session watches on other cores (forgotten here: EXEC unwatches there). */
  private takeWatching(session: Session): Map<number, Set<string>> {
    const byCore = this.watching.get(session);
    this.watching.delete(session);
    return byCore ?? new Map();
  }

  /** UNWATCH (and DISCARD) also forget the watches on the other cores. */
  private unwatchRemote(session: Session): void {
    this.unwatchOn(this.takeWatching(session).keys(), session);
  }

  private unwatchOn(cores: Iterable<number>, session: Session): void {
    for (const core of cores) {
      // Its reply is always OK; the mesh keeps it ahead of the session's later commands to that core.
      void Promise.resolve((this.cores[core] as Dispatcher).dispatch(UNWATCH, session).reply).catch(() => {});
    }
  }
}
