// Routes each command to the core that owns its keys: what a core's dispatcher does on the
// runtime. Each entry of `cores` runs the commands of one core: this core's own ShardDispatcher,
// and for the others a proxy that sends the command through the mesh and returns a Promise of
// the reply. Commands without keys (PING, CLIENT, CONFIG…) run on the connection's own core;
// FLUSHALL, FLUSHDB, DBSIZE and KEYS on every core (fan-out.ts).
//
// Transactions: MULTI queues on the connection's core; EXEC runs the queue on the one core that
// owns every key of the queue and of the connection's WATCHes (WATCH registers on the key's
// owner, so that core alone knows whether a watched key changed).
import type { Session } from '../commands/context.js';
import { ErrorReply, type Reply } from '../resp/reply.js';
import { routeCommand } from '../route.js';
import type { Dispatcher } from './dispatcher.js';
import { combine, fansOut } from './fan-out.js';

/**
 * Redis Cluster's answer to a command whose keys live on different nodes. Until cross-core
 * commands are coordinated (locks on each owner in core order), corelane-kv answers it too.
 */
export const CROSSSLOT = new ErrorReply("CROSSSLOT Keys in request don't hash to the same slot");

const UNWATCH = ['UNWATCH'];

/** A dispatcher that sends each command to the core owning its keys. */
export class RoutingDispatcher implements Dispatcher {
  /** The cores other than this one on which a session WATCHes keys. */
  private readonly watching = new WeakMap<Session, Set<number>>();

  /**
   * @param self - the index of this connection's core in `cores`.
   * @param cores - one dispatcher per core, by core index (= `routeCommand(argv, cores.length)`).
   */
  constructor(
    readonly self: number,
    readonly cores: readonly Dispatcher[],
  ) {}

  get maxBulkBytes(): number {
    return (this.cores[this.self] as Dispatcher).maxBulkBytes;
  }

  dispatch(argv: string[], session: Session): { reply: Reply | Promise<Reply>; blocking: boolean } {
    const own = this.cores[this.self] as Dispatcher;
    // One core owns every key: nothing to route.
    if (this.cores.length === 1) return own.dispatch(argv, session);
    const name = (argv[0] as string).toLowerCase();
    if (session.multi !== null) {
      // Inside MULTI commands are only checked and queued, here; EXEC runs the queue where its keys live.
      if (name === 'discard') this.unwatchRemote(session);
      if (name !== 'exec') return own.dispatch(argv, session);
      const owners = new Set(session.multi.map((q) => routeCommand(q, this.cores.length)).filter((o) => o !== null));
      for (const core of this.takeWatching(session)) owners.add(core);
      if (session.watched.size > 0) owners.add(this.self);
      if (owners.size > 1 || owners.has(-1)) {
        session.multi = null;
        session.multiFailed = false;
        this.unwatchRemote(session);
        return { reply: CROSSSLOT, blocking: false };
      }
      const [owner] = owners;
      return (this.cores[owner ?? this.self] as Dispatcher).dispatch(argv, session);
    }
    const owner = routeCommand(argv, this.cores.length);
    if (owner === -1) return { reply: CROSSSLOT, blocking: false };
    if (owner === null) {
      if (name === 'unwatch') this.unwatchRemote(session);
      else if (this.cores.length > 1 && session.authenticated && fansOut(argv)) {
        const protocol = session.protocol;
        const replies = this.cores.map((core) => Promise.resolve(core.dispatch(argv, session).reply));
        return { reply: combine(argv, replies, protocol), blocking: false };
      }
      return own.dispatch(argv, session);
    }
    if (name === 'watch' && owner !== this.self) this.watchingOf(session).add(owner);
    return (this.cores[owner] as Dispatcher).dispatch(argv, session);
  }

  disconnect(session: Session): void {
    this.watching.delete(session);
    for (const core of this.cores) core.disconnect(session);
  }

  private watchingOf(session: Session): Set<number> {
    let set = this.watching.get(session);
    if (set === undefined) {
      set = new Set();
      this.watching.set(session, set);
    }
    return set;
  }

  /** The other cores the session watches keys on (forgotten here: EXEC unwatches there). */
  private takeWatching(session: Session): Set<number> {
    const set = this.watching.get(session);
    this.watching.delete(session);
    return set ?? new Set();
  }

  /** UNWATCH (and DISCARD, EXEC across cores) also forget the watches on the other cores. */
  private unwatchRemote(session: Session): void {
    for (const core of this.takeWatching(session)) {
      // Its reply is always OK; the mesh keeps it ahead of the session's later commands to that core.
      void Promise.resolve((this.cores[core] as Dispatcher).dispatch(UNWATCH, session).reply).catch(() => {});
    }
  }
}
