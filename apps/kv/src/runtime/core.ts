// One core of corelane-kv on the runtime: it owns one Shard (the keys `routeCommand()`
// gives it), serves the connections the kernel hands its socket (every core listens on the same
// port with reusePort), runs the commands of keys it owns and forwards the others to their
// owner through the mesh; with a data dir it logs every write to its own WAL before answering.
import { join } from 'node:path';
import { type CoreContext, defineCore } from '@corelane/reactor';
import type { Session } from '../commands/context.js';
import { encodeReply } from '../resp/encoder.js';
import type { Dispatcher } from '../server/dispatcher.js';
import { RoutingDispatcher } from '../server/routing-dispatcher.js';
import { KvServer } from '../server/server.js';
import { newSession } from '../server/session.js';
import { ShardDispatcher } from '../server/shard-dispatcher.js';
import { CoreLog } from './core-log.js';
import { MeshDispatcher } from './mesh-dispatcher.js';
import { type CoreData, type CoreMessage, type RunMessage, SHUTDOWN_CHANNEL } from './messages.js';

/** This core's server, shard, log and the sessions other cores' connections have here. */
interface CoreState {
  server: KvServer;
  shard: ShardDispatcher;
  log: CoreLog | null;
  /** Mirrors of other cores' sessions, by `from:sid` (their protocol, auth, watches, parked commands). */
  mirrors: Map<string, Session>;
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
  let shard: ShardDispatcher | null = null;
  const server = await KvServer.start({
    listen: false,
    expireIntervalMs: 0,
    ...(data.requirepass !== undefined ? { requirepass: data.requirepass } : {}),
    dispatcher: (hooks) => {
      const own = new ShardDispatcher({ hooks, ...(log ? { onRecords: (records) => log.append(records) } : {}) });
      shard = own;
      const cores: Dispatcher[] = [];
      for (let i = 0; i < ctx.cores; i++) {
        cores.push(i === ctx.core ? own : new MeshDispatcher(ctx, ctx.core, i, own.maxBulkBytes));
      }
      return Object.assign(new RoutingDispatcher(ctx.core, cores), {
        tick: (now?: number) => own.tick(now),
        blocked: own.blocked,
      });
    },
  });
  const own = shard as unknown as ShardDispatcher;
  if (log !== null) await log.recover(own.shard);
  state = { server, shard: own, log, mirrors: new Map(), stopping: false };
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
  const id = `${m.from}:${m.sid}`;
  let session = s.mirrors.get(id);
  if (session === undefined) {
    session = newSession(`core-${m.from}`, `core-${m.from}`, false, Date.now());
    s.mirrors.set(id, session);
  }
  session.protocol = m.proto;
  session.authenticated = m.auth;
  if (m.multi !== undefined) {
    session.multi = m.multi;
    session.multiFailed = m.multiFailed ?? false;
  }
  const { reply } = s.shard.dispatch(m.argv, session);
  // Most replies are ready at once: encoded without a microtask hop.
  return reply instanceof Promise ? reply.then((r) => encodeReply(r, m.proto)) : encodeReply(reply, m.proto);
}

async function onMessage(ctx: CoreContext, _key: unknown, value: unknown): Promise<unknown> {
  const s = current();
  const m = value as CoreMessage;
  switch (m.t) {
    case 'run':
      return run(s, m);
    case 'runs': {
      // Each dispatched in order now; answered together once every reply is ready.
      const replies = m.runs.map((r) => run(s, r));
      return replies.some((r) => r instanceof Promise) ? Promise.all(replies) : replies;
    }
    case 'gone': {
      const id = `${m.from}:${m.sid}`;
      const session = s.mirrors.get(id);
      if (session !== undefined) {
        s.mirrors.delete(id);
        s.shard.disconnect(session);
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
