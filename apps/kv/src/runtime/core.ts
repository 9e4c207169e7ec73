// One core of corelane-kv on the runtime: it owns one Shard (the keys `routeCommand()`
// gives it), serves the connections the kernel hands its socket (every core listens on the same
// port with reusePort), runs the commands of keys it owns and forwards the others to their
// owner through the mesh; with a data dir it logs every write to its own WAL before answering.
import { join } from 'node:path';
import { type CoreContext, defineCore } from '@corelane/reactor';
import type { Session } from '../commands/context.js';
import { encodeReply } from '../resp/encoder.js';
import { ErrorReply } from '../resp/reply.js';
import { ownerOf } from '../route.js';
import { CrossCore } from '../server/cross-core.js';
import type { Dispatcher } from '../server/dispatcher.js';
import { claimOf, KeyGate } from '../server/key-gate.js';
import { LocalParticipant, type Participant, TxHost } from '../server/participant.js';
import { RoutingDispatcher } from '../server/routing-dispatcher.js';
import { KvServer } from '../server/server.js';
import { newSession, spreadSessionIds } from '../server/session.js';
import { ShardDispatcher } from '../server/shard-dispatcher.js';
import { CoreLog } from './core-log.js';
import { MeshDispatcher } from './mesh-dispatcher.js';
import { MeshParticipant } from './mesh-participant.js';
import { type CoreData, type CoreMessage, type RunMessage, SHUTDOWN_CHANNEL, type TxMessage } from './messages.js';

/** This core's server, shard, log and the sessions other cores' connections have here. */
interface CoreState {
  server: KvServer;
  shard: ShardDispatcher;
  /** The shard behind its key locks: every command of this core's keys goes through it. */
  gate: KeyGate;
  /** This core as an owner in cross-core commands, and as their coordinator. */
  host: TxHost;
  cross: CrossCore;
  log: CoreLog | null;
  /** Mirrors of other cores' sessions, by `from:sid` (their protocol, auth, watches, parked commands). */
  mirrors: Map<string, Session>;
  /** The most bytes of replies one message back to another core may carry (messages.ts `maxPieceBytes`). */
  maxReplyBytes: number;
  stopping: boolean;
}

let state: CoreState | null = null;

function current(): CoreState {
  if (state === null) throw new Error('corelane-kv: the core is not initialised');
  return state;
}

async function init(ctx: CoreContext): Promise<void> {
  const data = ctx.data as CoreData;
  const log =
    data.dir === undefined
      ? null
      : await CoreLog.open(join(data.dir, `core-${ctx.core}`), data.appendfsync, {
          checkpoint: { bytes: data.checkpointBytes, records: data.checkpointEvery },
          ...(data.walSegmentBytes !== undefined ? { segmentBytes: data.walSegmentBytes } : {}),
        });
  spreadSessionIds(ctx.core, ctx.cores);
  type Parts = { shard: ShardDispatcher; gate: KeyGate; host: TxHost; cross: CrossCore };
  let parts = null as Parts | null;
  const server = await KvServer.start({
    listen: false,
    expireIntervalMs: 0,
    ...(data.requirepass !== undefined ? { requirepass: data.requirepass } : {}),
    persistence: data.dir === undefined ? null : { dir: data.dir, appendfsync: data.appendfsync },
    dispatcher: (hooks) => {
      const own = new ShardDispatcher({
        hooks,
        ...(log ? { onRecords: (records) => log.append(records) } : {}),
        readsWaitForDurability: log !== null && data.appendfsync === 'always',
      });
      const gate = new KeyGate(own);
      const host = new TxHost(gate, own);
      const cores: Dispatcher[] = [];
      const participants: Participant[] = [];
      for (let i = 0; i < ctx.cores; i++) {
        if (i === ctx.core) {
          cores.push(gate);
          participants.push(new LocalParticipant(host, (tx) => cross.ready(tx)));
        } else {
          const mesh = new MeshDispatcher(ctx, ctx.core, i, own.maxBulkBytes);
          cores.push(mesh);
          participants.push(new MeshParticipant(ctx, ctx.core, i, mesh));
        }
      }
      const cross: CrossCore = new CrossCore({
        self: ctx.core,
        incarnation: ctx.restarts,
        participants,
        owner: (key) => ownerOf(key, ctx.cores),
        hooks,
        maxBulkBytes: own.maxBulkBytes,
        maxPieceBytes: data.maxPieceBytes,
        unwatchLocal: (session) => own.shard.unwatch(session),
      });
      parts = { shard: own, gate, host, cross };
      return Object.assign(new RoutingDispatcher(ctx.core, cores, cross), {
        tick: (now?: number) => own.tick(now),
        blocked: {
          get count() {
            return own.blocked.count + cross.blocked;
          },
        },
        keyspace: () => own.shard.db,
      });
    },
  });
  if (parts === null) throw new Error('corelane-kv: the server did not build its dispatcher');
  const { shard: own, gate, host, cross } = parts;
  if (log !== null) await log.recover(own.shard);
  state = {
    server,
    shard: own,
    gate,
    host,
    cross,
    log,
    mirrors: new Map(),
    maxReplyBytes: data.maxPieceBytes,
    stopping: false,
  };
  // A restarted core: the locks and parks its earlier life held on the other cores die now.
  if (ctx.restarts > 0) {
    for (let i = 0; i < ctx.cores; i++)
      if (i !== ctx.core) void ctx.requestTo(i, { t: 'reset', from: ctx.core }).catch(() => {});
  }
  // Active expiry on the core's timer wheel (Redis's hz 10).
  ctx.timers.every(data.expireIntervalMs, () => own.tick());
  // SHUTDOWN from a client: tell the main thread, which stops every core.
  void server.closed.then(() => {
    if (state?.stopping) return;
    const channel = new BroadcastChannel(SHUTDOWN_CHANNEL);
    channel.postMessage('shutdown');
    channel.close();
  });
}

/** The error a reply too large for one message back becomes (the ring would refuse it, and the core fail). */
function tooLarge(bytes: number, bound: number): Buffer {
  const error = `ERR the reply takes ${bytes} bytes, more than the ${bound} one message between cores may carry`;
  return encodeReply(new ErrorReply(error), 2);
}

/**
 * `replies` as one message may carry them (msgpack adds up to 5 bytes of header to each): the
 * largest become {@link tooLarge} errors until the rest fit.
 */
function fitting(replies: Buffer[], bound: number): Buffer[] {
  let total = 16;
  for (const r of replies) total += r.length + 5;
  if (total <= bound) return replies;
  const out = [...replies];
  const largest = out.map((_, i) => i).sort((a, b) => (out[b] as Buffer).length - (out[a] as Buffer).length);
  for (const i of largest) {
    if (total <= bound) break;
    const error = tooLarge((out[i] as Buffer).length, bound);
    total -= (out[i] as Buffer).length - error.length;
    out[i] = error;
  }
  return out;
}

/** One reply as one message may carry it. */
function fits(reply: Buffer, bound: number): Buffer {
  return fitting([reply], bound)[0] as Buffer;
}

/** A forwarded command: run on this core's shard for the mirror of the sender's session. */
function run(s: CoreState, m: RunMessage): Buffer | Promise<Buffer> {
  const session = mirror(s, m.from, m.sid);
  // Through the key locks; the session's state is the command's own once it runs.
  const { reply } = s.gate.submit(session, claimOf(m.argv, m.multi ?? null), () => {
    session.protocol = m.proto;
    session.authenticated = m.auth;
    if (m.multi !== undefined) {
      session.multi = m.multi;
      session.multiFailed = m.multiFailed ?? false;
    }
    return s.shard.dispatch(m.argv, session);
  });
  // Most replies are ready at once: encoded without a microtask hop.
  return reply instanceof Promise ? reply.then((r) => encodeReply(r, m.proto)) : encodeReply(reply, m.proto);
}

/** The mirror of session `sid` of core `from`. */
function mirror(s: CoreState, from: number, sid: number): Session {
  const id = `${from}:${sid}`;
  let session = s.mirrors.get(id);
  if (session === undefined) {
    session = newSession(`core-${from}`, `core-${from}`, false, Date.now());
    s.mirrors.set(id, session);
  }
  return session;
}

/** The session keyspace-wide commands of other cores run as here (they read no session state). */
let wide: Session | null = null;
function wideSession(s: CoreState): Session {
  wide ??= mirror(s, -1, 0);
  return wide;
}

/** A step of a cross-core command (messages.ts). */
async function onTx(ctx: CoreContext, s: CoreState, m: TxMessage): Promise<unknown> {
  switch (m.t) {
    case 'lock':
      if (m.run !== undefined) {
        const session = wideSession(s);
        const reply = await s.host.runWhole(m.tx, m.run, session, () => {
          session.protocol = m.proto ?? 2;
        });
        return fits(encodeReply(reply, m.proto ?? 2), s.maxReplyBytes);
      }
      // The grant goes back through the mesh: rows past one message fail the lock (released).
      return s.host.lock(
        m.tx,
        m.keys,
        m.watch ? (s.mirrors.get(`${m.from}:${m.sid}`) ?? null) : null,
        m.read ?? 'values',
        m.all === true,
        s.maxReplyBytes,
      );
    case 'write':
      await s.host.write(
        m.tx,
        m.records.map(([nowMs, ...argv]) => ({ nowMs, argv })),
      );
      return true;
    case 'release': {
      const ready = () => void ctx.requestTo(m.from, { t: 'ready', tx: m.tx }).catch(() => {});
      s.host.release(m.tx, s.mirrors.get(`${m.from}:${m.sid}`) ?? null, { unwatch: m.unwatch, park: m.park }, ready);
      return true;
    }
    case 'unpark':
      s.host.unpark(m.tx);
      return true;
    case 'ready':
      s.cross.ready(m.tx);
      return true;
    case 'reset':
      s.host.reset(m.from);
      return true;
  }
}

async function onMessage(ctx: CoreContext, _key: unknown, value: unknown): Promise<unknown> {
  const s = current();
  const m = value as CoreMessage;
  switch (m.t) {
    case 'run': {
      const reply = run(s, m);
      return reply instanceof Promise ? reply.then((r) => fits(r, s.maxReplyBytes)) : fits(reply, s.maxReplyBytes);
    }
    case 'runs': {
      // Each dispatched in order now; answered together once every reply is ready.
      const replies = m.runs.map((r) => run(s, r));
      return replies.some((r) => r instanceof Promise)
        ? Promise.all(replies).then((rs) => fitting(rs, s.maxReplyBytes))
        : fitting(replies as Buffer[], s.maxReplyBytes);
    }
    case 'gone': {
      const id = `${m.from}:${m.sid}`;
      const session = s.mirrors.get(id);
      if (session !== undefined) {
        s.mirrors.delete(id);
        s.gate.disconnect(session);
      }
      return undefined;
    }
    case 'listen': {
      const net = await ctx.listen({ port: m.port, host: m.host }, (socket) => s.server.accept(socket));
      const address = net.address();
      const port = typeof address === 'object' && address !== null ? address.port : m.port;
      s.server.setPort(port);
      return port;
    }
    case 'lock':
    case 'write':
    case 'release':
    case 'unpark':
    case 'ready':
    case 'reset':
      return onTx(ctx, s, m);
    default:
      throw new Error(`corelane-kv: unknown core message ${JSON.stringify(value)}`);
  }
}

async function onStop(): Promise<void> {
  const s = state;
  if (s === null) return;
  s.stopping = true;
  await s.server.close();
  await s.log?.close();
  state = null;
}

export default defineCore({ init, onMessage, onStop });
