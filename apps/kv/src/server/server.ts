// corelane-kv on one process, over node:net: accepts connections, owns the configuration and
// what INFO reports, and runs commands through a Dispatcher (by default one local shard). The
// runtime version runs one of these per core with a dispatcher that forwards the commands of
// keys other cores own; nothing else here changes.
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { CorelaneTypeError, ErrorCode, requireInteger, requireOptions } from '@corelane/shared';
import type { ServerHooks } from '../commands/context.js';
import type { WriteRecord } from '../commands/engine.js';
import type { Keyspace } from '../store/keyspace.js';
import { ClientConnection } from './connection.js';
import type { Dispatcher } from './dispatcher.js';
import { infoText } from './info.js';
import { newSession } from './session.js';
import { ShardDispatcher } from './shard-dispatcher.js';

/** Options of {@link startServer}. */
export interface KvServerOptions {
  /** TCP port; 0 picks a free one (read it back from `server.port`). Default 6379. */
  port?: number;
  /** Address to listen on. Default 127.0.0.1. */
  bind?: string;
  /** When set, clients must AUTH with this password (Redis's requirepass). */
  requirepass?: string;
  /** What CONFIG GET reports of persistence (appendonly, appendfsync, dir): where and how writes are logged, or nothing. */
  persistence?: { dir: string; appendfsync: 'always' | 'everysec' | 'no' } | null;
  /** The largest bulk argument and string value, in bytes (proto-max-bulk-len). Default 512 MiB. */
  maxBulkBytes?: number;
  /** How often active expiry runs, in ms. Default 100 (Redis's hz 10); 0: the host calls `dispatcher.tick()` (a core's timer wheel). */
  expireIntervalMs?: number;
  /** False: no listening socket of its own; the host hands it connections with `accept()` (a core's `ctx.listen()`). Default true. */
  listen?: boolean;
  /** Every write record, in order (the WAL); a Promise returned delays the write's reply until it resolves. */
  onRecords?: (records: WriteRecord[]) => unknown;
  /**
   * Builds the dispatcher that runs the commands (default: one local shard). The runtime passes
   * one that routes each command to the core owning its keys.
   */
  dispatcher?: (
    hooks: ServerHooks,
  ) => Dispatcher & { tick?(now?: number): void; blocked?: { count: number }; keyspace?(): Keyspace };
}

function optionalString(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'string') {
    throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, `${name} must be a string, got ${typeof value}`);
  }
}

function validate(options: KvServerOptions): void {
  requireOptions('options', options);
  if (options.port !== undefined) requireInteger('options.port', options.port, 0, 65535);
  optionalString('options.bind', options.bind);
  optionalString('options.requirepass', options.requirepass);
  if (options.maxBulkBytes !== undefined) requireInteger('options.maxBulkBytes', options.maxBulkBytes, 1, 2 ** 40);
  if (options.expireIntervalMs !== undefined) {
    requireInteger('options.expireIntervalMs', options.expireIntervalMs, 0, 2 ** 31 - 1);
  }
  if (options.listen !== undefined && typeof options.listen !== 'boolean') {
    throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, 'options.listen must be a boolean');
  }
  for (const name of ['onRecords', 'dispatcher'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, `options.${name} must be a function`);
    }
  }
}

/** A running corelane-kv server. */
export class KvServer {
  /** The port it listens on. */
  port = 0;
  /** Resolves once the server has closed (SHUTDOWN, close()). */
  readonly closed: Promise<void>;
  readonly dispatcher: Dispatcher & { tick?(now?: number): void; blocked?: { count: number }; keyspace?(): Keyspace };
  private readonly net: Server;
  private readonly connections = new Set<ClientConnection>();
  private readonly config = new Map<string, string>();
  private readonly startedMs = Date.now();
  private readonly expireTimer: NodeJS.Timeout | undefined;
  private totalConnections = 0;
  private totalCommands = 0;
  private shuttingDown = false;
  private resolveClosed: () => void = () => {};

  private constructor(options: KvServerOptions) {
    const maxBulkBytes = options.maxBulkBytes ?? 512 * 1024 * 1024;
    this.config.set('bind', options.bind ?? '127.0.0.1');
    this.config.set('port', String(options.port ?? 6379));
    this.config.set('requirepass', options.requirepass ?? '');
    this.config.set('proto-max-bulk-len', String(maxBulkBytes));
    this.config.set('databases', '1');
    this.config.set('save', '');
    const persistence = options.persistence ?? null;
    this.config.set('appendonly', persistence === null ? 'no' : 'yes');
    this.config.set('appendfsync', persistence?.appendfsync ?? 'everysec');
    this.config.set('dir', persistence?.dir ?? process.cwd());
    this.config.set('maxmemory', '0');
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    const hooks: ServerHooks = {
      config: () => this.config,
      setConfig: (name, value) => this.setConfig(name, value),
      info: (sections) =>
        infoText(sections, {
          port: this.port,
          startedMs: this.startedMs,
          connectedClients: this.connections.size,
          blockedClients: this.dispatcher.blocked?.count ?? 0,
          totalConnections: this.totalConnections,
          totalCommands: this.totalCommands,
          db:
            this.dispatcher instanceof ShardDispatcher
              ? this.dispatcher.shard.db
              : (this.dispatcher.keyspace?.() ?? null),
          now: Date.now(),
        }),
      sessions: () => [...this.connections].map((c) => c.session),
      shutdown: () => {
        this.shuttingDown = true;
      },
    };
    this.dispatcher =
      options.dispatcher?.(hooks) ??
      new ShardDispatcher({
        hooks,
        maxBulkBytes,
        ...(options.onRecords ? { onRecords: options.onRecords } : {}),
      });
    this.net = createServer({ noDelay: true }, (socket) => this.accept(socket));
    const every = options.expireIntervalMs ?? 100;
    if (every > 0) {
      this.expireTimer = setInterval(() => this.dispatcher.tick?.(), every);
      this.expireTimer.unref();
    }
  }

  /**
   * Starts a server and resolves once it listens.
   * @throws `TypeError` `ERR_CORELANE_INVALID_ARGUMENT` / `RangeError` `ERR_CORELANE_OUT_OF_RANGE`
   *   for a bad option (checked before anything starts).
   */
  static async start(options: KvServerOptions = {}): Promise<KvServer> {
    validate(options);
    const server = new KvServer(options);
    if (options.listen === false) {
      server.setPort(options.port ?? 6379);
      return server;
    }
    server.net.listen(options.port ?? 6379, options.bind ?? '127.0.0.1');
    await once(server.net, 'listening');
    const address = server.net.address();
    server.port = typeof address === 'object' && address !== null ? address.port : 0;
    server.config.set('port', String(server.port));
    return server;
  }

  /** The port the host listens on for it (a core's `ctx.listen()`), for INFO and CONFIG GET. */
  setPort(port: number): void {
    this.port = port;
    this.config.set('port', String(port));
  }

  private setConfig(name: string, value: string): string | null {
    if (name === 'requirepass') {
      this.config.set(name, value);
      return null;
    }
    return 'this option cannot be changed at runtime';
  }

  /** Serves a client connection (the server's own listener calls it; so does a core's `ctx.listen()`). */
  accept(socket: Socket): void {
    if (this.shuttingDown) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    this.totalConnections++;
    const addr = `${socket.remoteAddress}:${socket.remotePort}`;
    const laddr = `${socket.localAddress}:${socket.localPort}`;
    const session = newSession(addr, laddr, (this.config.get('requirepass') ?? '') !== '', Date.now());
    const conn = new ClientConnection(socket, session, this.dispatcher, {
      counted: () => {
        this.totalCommands++;
      },
      stopping: () => {
        if (this.shuttingDown) void this.close();
        return this.shuttingDown;
      },
    });
    this.connections.add(conn);
    socket.on('close', () => this.connections.delete(conn));
  }

  /** Stops listening, closes every connection and resolves once done. */
  async close(): Promise<void> {
    this.shuttingDown = true;
    clearInterval(this.expireTimer);
    for (const conn of this.connections) conn.destroy();
    this.connections.clear();
    if (this.net.listening) this.net.close(() => this.resolveClosed());
    else this.resolveClosed();
    return this.closed;
  }
}

/** Starts corelane-kv on one process (one shard). */
export function startServer(options: KvServerOptions = {}): Promise<KvServer> {
  return KvServer.start(options);
}
