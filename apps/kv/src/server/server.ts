// corelane-kv on one process and one shard, over node:net: connections, pipelining, blocking
// commands, active expiry and shutdown. The runtime version runs one Shard per core and
// forwards commands for keys another core owns through the mesh; everything a connection does
// here (parse, execute, encode) is the same there.
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { BlockRequest, type ServerHooks, type Session } from '../commands/context.js';
import { type Execution, Shard, type WriteRecord } from '../commands/engine.js';
import { ReplyWriter } from '../resp/encoder.js';
import type { Reply } from '../resp/reply.js';
import { ErrorReply } from '../resp/reply.js';
import { ProtocolError, RequestParser } from '../resp/request-parser.js';
import { BlockedClients, type Waiter } from './blocking.js';
import { infoText } from './info.js';
import { newSession } from './session.js';

/** Options of {@link startServer}. */
export interface KvServerOptions {
  /** TCP port; 0 picks a free one (read it back from `server.port`). Default 6379. */
  port?: number;
  /** Address to listen on. Default 127.0.0.1. */
  bind?: string;
  /** When set, clients must AUTH with this password (Redis's requirepass). */
  requirepass?: string;
  /** The largest bulk argument and string value, in bytes (proto-max-bulk-len). Default 512 MiB. */
  maxBulkBytes?: number;
  /** How often active expiry runs, in ms. Default 100 (Redis's hz 10). */
  expireIntervalMs?: number;
  /** Every write record, in order (where the WAL will plug in). */
  onRecords?: (records: WriteRecord[]) => void;
}

interface Connection {
  socket: Socket;
  session: Session;
  parser: RequestParser;
  writer: ReplyWriter;
  waiter: Waiter | null;
  closing: boolean;
}

/** A running corelane-kv server. */
export class KvServer {
  /** The port it listens on. */
  port = 0;
  /** Resolves once the server has closed (SHUTDOWN, close()). */
  readonly closed: Promise<void>;
  readonly shard: Shard;
  private readonly net: Server;
  private readonly connections = new Set<Connection>();
  private readonly blocked = new BlockedClients();
  private readonly config = new Map<string, string>();
  private readonly startedMs = Date.now();
  private readonly expireTimer: NodeJS.Timeout;
  private readonly onRecords: ((records: WriteRecord[]) => void) | undefined;
  private totalConnections = 0;
  private totalCommands = 0;
  private shuttingDown = false;
  private resolveClosed: () => void = () => {};
  private readonly hooks: ServerHooks;

  private constructor(options: KvServerOptions) {
    this.shard = new Shard({ maxBulkBytes: options.maxBulkBytes ?? 512 * 1024 * 1024 });
    this.shard.db.onListReady = (key) => this.blocked.markReady(key);
    this.onRecords = options.onRecords;
    this.config.set('bind', options.bind ?? '127.0.0.1');
    this.config.set('port', String(options.port ?? 6379));
    this.config.set('requirepass', options.requirepass ?? '');
    this.config.set('proto-max-bulk-len', String(this.shard.maxBulkBytes));
    this.config.set('databases', '1');
    this.config.set('save', '');
    this.config.set('appendonly', 'no');
    this.config.set('appendfsync', 'everysec');
    this.config.set('maxmemory', '0');
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    this.hooks = {
      config: () => this.config,
      setConfig: (name, value) => this.setConfig(name, value),
      info: (sections) =>
        infoText(sections, {
          port: this.port,
          startedMs: this.startedMs,
          connectedClients: this.connections.size,
          blockedClients: this.blocked.count,
          totalConnections: this.totalConnections,
          totalCommands: this.totalCommands,
          db: this.shard.db,
          now: Date.now(),
        }),
      sessions: () => [...this.connections].map((c) => c.session),
      shutdown: () => {
        this.shuttingDown = true;
      },
    };
    this.net = createServer({ noDelay: true }, (socket) => this.accept(socket));
    const interval = options.expireIntervalMs ?? 100;
    this.expireTimer = setInterval(() => this.record(this.shard.tick()), interval);
    this.expireTimer.unref();
  }

  /** Starts a server and resolves once it listens. */
  static async start(options: KvServerOptions = {}): Promise<KvServer> {
    const server = new KvServer(options);
    server.net.listen(options.port ?? 6379, options.bind ?? '127.0.0.1');
    await once(server.net, 'listening');
    const address = server.net.address();
    server.port = typeof address === 'object' && address !== null ? address.port : 0;
    server.config.set('port', String(server.port));
    return server;
  }

  private setConfig(name: string, value: string): string | null {
    if (name === 'requirepass') {
      this.config.set(name, value);
      return null;
    }
    if (!this.config.has(name)) return 'Unknown option or number of arguments for CONFIG SET';
    return 'This option cannot be changed at runtime here';
  }

  private record(records: WriteRecord[]): void {
    if (records.length > 0) this.onRecords?.(records);
  }

  private accept(socket: Socket): void {
    this.totalConnections++;
    const addr = `${socket.remoteAddress}:${socket.remotePort}`;
    const laddr = `${socket.localAddress}:${socket.localPort}`;
    const session = newSession(addr, laddr, (this.config.get('requirepass') ?? '') !== '', Date.now());
    const conn: Connection = {
      socket,
      session,
      parser: new RequestParser({
        maxBulkBytes: this.shard.maxBulkBytes,
        authRequired: () => !session.authenticated,
      }),
      writer: new ReplyWriter(2),
      waiter: null,
      closing: false,
    };
    this.connections.add(conn);
    socket.on('data', (chunk) => {
      conn.parser.feed(chunk);
      this.process(conn);
    });
    socket.on('error', () => {});
    socket.on('close', () => this.drop(conn));
  }

  private drop(conn: Connection): void {
    if (conn.waiter) {
      this.blocked.remove(conn.waiter);
      conn.waiter = null;
    }
    this.connections.delete(conn);
  }

  /** Runs every complete command the connection has sent, until it blocks or closes. */
  private process(conn: Connection): void {
    while (!conn.closing && conn.waiter === null && !this.shuttingDown) {
      const next = conn.parser.next();
      if (next === null) break;
      if (next instanceof ProtocolError) {
        conn.writer.protocol = conn.session.protocol;
        conn.writer.write(new ErrorReply(`ERR ${next.message}`));
        conn.closing = true;
        break;
      }
      this.totalCommands++;
      conn.session.lastCommand = (next[0] as string).toLowerCase();
      conn.session.lastCommandMs = Date.now();
      const exec = this.shard.execute(next, conn.session, this.hooks);
      this.record(exec.records);
      this.answer(conn, exec);
      this.serveReady();
      if (conn.session.closeAfterReply) conn.closing = true;
    }
    if (this.shuttingDown) {
      void this.close();
      return;
    }
    this.flush(conn);
  }

  private answer(conn: Connection, exec: Execution): void {
    if (exec.reply instanceof BlockRequest) {
      this.park(conn, exec.reply);
      return;
    }
    conn.writer.protocol = conn.session.protocol;
    conn.writer.write(exec.reply);
  }

  private flush(conn: Connection): void {
    if (!conn.writer.empty && !conn.socket.destroyed) conn.socket.write(conn.writer.take());
    if (conn.closing && !conn.socket.destroyed) conn.socket.end();
  }

  private park(conn: Connection, request: BlockRequest): void {
    const waiter: Waiter = {
      request,
      timer: null,
      wake: (reply) => {
        conn.waiter = null;
        conn.writer.protocol = conn.session.protocol;
        conn.writer.write(reply);
        this.flush(conn);
        // Commands pipelined behind the blocking one run now, outside the caller's loop.
        setImmediate(() => this.process(conn));
      },
    };
    conn.waiter = waiter;
    this.blocked.add(waiter);
    if (request.timeoutAtMs > 0) {
      const delay = Math.max(0, request.timeoutAtMs - Date.now());
      waiter.timer = setTimeout(() => {
        if (conn.waiter !== waiter) return;
        this.blocked.remove(waiter);
        waiter.wake(request.onTimeout, false);
      }, delay);
    }
  }

  /** Serves parked clients of every key that got elements, oldest first, while elements last. */
  private serveReady(): void {
    for (let keys = this.blocked.takeReady(); keys.length > 0; keys = this.blocked.takeReady()) {
      for (const key of keys) {
        for (const waiter of this.blocked.waiting(key)) {
          const conn = [...this.connections].find((c) => c.waiter === waiter);
          const session = conn?.session ?? null;
          const result = this.shard.retry(waiter.request.retry, session);
          if (result.reply === undefined) break;
          this.record(result.records);
          this.blocked.remove(waiter);
          waiter.wake(result.reply as Reply, true);
        }
      }
    }
  }

  /** Stops listening, closes every connection and resolves once done. */
  async close(): Promise<void> {
    if (!this.net.listening && this.connections.size === 0) return this.closed;
    clearInterval(this.expireTimer);
    for (const conn of this.connections) {
      if (conn.waiter) this.blocked.remove(conn.waiter);
      conn.socket.destroy();
    }
    this.connections.clear();
    if (this.net.listening) {
      this.net.close(() => this.resolveClosed());
    } else {
      this.resolveClosed();
    }
    return this.closed;
  }
}

/** Starts corelane-kv on one process (one shard). */
export function startServer(options: KvServerOptions = {}): Promise<KvServer> {
  return KvServer.start(options);
}
