// One core of corelane-kv on the runtime: it owns one Shard (the keys `routeCommand()`
// gives it), serves the connections the kernel hands its socket (every core listens on the same
// port with reusePort), runs the commands of keys it owns and forwards the others to their
// owner through the mesh; with a data dir it logs every write to its own WAL before answering.
import { join } from 'node:path';
import { type CoreContext, defineCore } from '@corelane/reactor';
import type { Session } from '../commands/context.js';
import { encodeReply } from '../resp/encoder.js';
import type { Reply } from '../resp/reply.js';
import { ownerOf } from '../route.js';
import { CrossCore } from '../server/cross-core.js';
import type { Dispatcher } from '../server/dispatcher.js';
import { claimOf, KeyGate } from '../server/key-gate.js';
import { LocalParticipant, type Participant, TxHost } from '../server/participant.js';
import { RoutingDispatcher } from '../server/routing-dispatcher.js';
import { KvServer } from '../server/server.js';
import { spreadSessionIds } from '../server/session.js';
import { ShardDispatcher } from '../server/shard-dispatcher.js';
import { CoreLog } from './core-log.js';
import { ForwardBatch } from './forward-frame.js';
import { kvCodec } from './kv-codec.js';
import { MeshDispatcher } from './mesh-dispatcher.js';
import { MeshParticipant } from './mesh-participant.js';
import { type CoreData, type CoreMessage, type RunMessage, SHUTDOWN_CHANNEL, type TxMessage } from './messages.js';
import { Mirrors } from './mirrors.js';
import { fits } from './reply-bound.js';
import { encodeReplies } from './reply-frame.js';

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
  /** Mirrors of other cores' sessions (their protocol, auth, watches, parked commands). */
  mirrors: Mirrors;
  /** The most bytes of replies one message back to another core may carry (messages.ts `maxPieceBytes`). */
  maxReplyBytes: number;
  /** Replies too large to share their REPLIES frame, kept by token until their core takes them. */
  kept: Map<number, { from: number; bytes: Buffer }>;
  /** The last token of `kept`. */
  lastKept: number;
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
          const mesh = new MeshDispatcher(ctx, ctx.core, i, own.maxBulkBytes, data.maxPieceBytes);
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
    mirrors: new Mirrors(),
    maxReplyBytes: data.maxPieceBytes,
    kept: new Map(),
    lastKept: 0,
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

/** A forwarded command: run on this core's shard for the mirror of the sender's session. */
function run(s: CoreState, m: RunMessage): Buffer | Promise<Buffer> {
  const session = s.mirrors.of(m.from, m.sid);
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

/** One plain forwarded command of a FORWARD frame (as `run()`, without EXEC's state). */
function runPlain(
  s: CoreState,
  from: number,
  sid: number,
  protocol: 2 | 3,
  auth: boolean,
  argv: string[],
): Reply | Promise<Reply> {
  const session = s.mirrors.of(from, sid);
  // Nothing locked here (the common case): no claim to compute, nothing to queue behind.
  if (s.gate.idle()) {
    session.protocol = protocol;
    session.authenticated = auth;
    return s.shard.dispatch(argv, session).reply;
  }
  // The session's state is the command's own once it runs.
  return s.gate.submit(session, claimOf(argv, null), () => {
    session.protocol = protocol;
    session.authenticated = auth;
    return s.shard.dispatch(argv, session);
  }).reply;
}

/** A FORWARD frame: each command dispatched in order now; answered in one REPLIES frame once every reply is ready. */
function runForwarded(s: CoreState, batch: ForwardBatch): unknown {
  const { from, sids, protocols, authenticated, argvs } = batch;
  const replies: (Reply | Promise<Reply>)[] = new Array(argvs.length);
  let async = false;
  for (let i = 0; i < argvs.length; i++) {
    const reply = runPlain(
      s,
      from,
      sids[i] as number,
      protocols[i] as 2 | 3,
      authenticated[i] as boolean,
      argvs[i] as string[],
    );
    replies[i] = reply;
    if (reply instanceof Promise) async = true;
  }
  const keep = (bytes: Buffer): number => keepReply(s, from, bytes);
  if (!async) return encodeReplies(replies as Reply[], protocols, s.maxReplyBytes, keep);
  return Promise.all(replies).then((rs) => encodeReplies(rs, protocols, s.maxReplyBytes, keep));
}

/** Keeps a reply of core `from`'s frame until that core takes it ('take'); its token. */
function keepReply(s: CoreState, from: number, bytes: Buffer): number {
  let token = s.lastKept;
  do token = (token + 1) >>> 0;
  while (s.kept.has(token));
  s.lastKept = token;
  s.kept.set(token, { from, bytes });
  return token;
}

/** The session keyspace-wide commands of other cores run as here (they read no session state). */
let wide: Session | null = null;
function wideSession(s: CoreState): Session {
  wide ??= s.mirrors.of(-1, 0);
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
        m.watch ? (s.mirrors.get(m.from, m.sid) ?? null) : null,
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
    case 'commit':
      await s.host.commit(
        m.tx,
        m.records.map(([nowMs, ...argv]) => ({ nowMs, argv })),
      );
      return true;
    case 'release': {
      const ready = () => void ctx.requestTo(m.from, { t: 'ready', tx: m.tx }).catch(() => {});
      s.host.release(m.tx, s.mirrors.get(m.from, m.sid) ?? null, { unwatch: m.unwatch, park: m.park }, ready);
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

function onMessage(ctx: CoreContext, _key: unknown, value: unknown): unknown {
  const s = current();
  // The hot path answers synchronously when every reply is ready: no Promise per frame.
  if (value instanceof ForwardBatch) return runForwarded(s, value);
  return onCoreMessage(ctx, s, value as CoreMessage);
}

async function onCoreMessage(ctx: CoreContext, s: CoreState, m: CoreMessage): Promise<unknown> {
  switch (m.t) {
    case 'run': {
      const reply = run(s, m);
      return reply instanceof Promise ? reply.then((r) => fits(r, s.maxReplyBytes)) : fits(reply, s.maxReplyBytes);
    }
    case 'take': {
      const kept = s.kept.get(m.token);
      if (kept === undefined || kept.from !== m.from) {
        throw new Error(`corelane-kv: core ${ctx.core} keeps no reply ${m.token} for core ${m.from}`);
      }
      s.kept.delete(m.token);
      return kept.bytes;
    }
    case 'gone': {
      const session = s.mirrors.take(m.from, m.sid);
      if (session !== undefined) s.gate.disconnect(session);
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
    case 'commit':
    case 'release':
    case 'unpark':
    case 'ready':
      return onTx(ctx, s, m);
    case 'reset':
      // Core `from` restarted: what it did not take, it never will.
      for (const [token, kept] of s.kept) if (kept.from === m.from) s.kept.delete(token);
      return onTx(ctx, s, m);
    default:
      throw new Error(`corelane-kv: unknown core message ${JSON.stringify(m)}`);
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

export default defineCore({ init, onMessage, onStop, codec: kvCodec });
