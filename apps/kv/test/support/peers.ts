// The peers the tests talk to: a real redis-server 7.0 started on a free loopback port, and
// corelane-kv started in-process; and a raw RESP client that returns the exact reply bytes.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { freePort } from '@corelane/shared/testing';
import { afterAll, beforeAll } from 'vitest';
import { type FramedReply, ReplyParser } from '../../src/resp/reply-parser.js';
import { type KvServer, type KvServerOptions, startServer } from '../../src/server/server.js';

export { freePort };

/** Encodes a command as a RESP multibulk array (latin1 arguments). */
export function encodeCommand(argv: readonly string[]): Buffer {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${a.length}\r\n${a}\r\n`;
  return Buffer.from(s, 'latin1');
}

/** A connection that sends bytes and reads framed replies, keeping their raw bytes. */
export class RawClient {
  private readonly parser = new ReplyParser();
  private readonly queue: FramedReply[] = [];
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk) => {
      this.parser.feed(chunk);
      for (let r = this.parser.next(); r !== null; r = this.parser.next()) {
        this.queue.push({ reply: r.reply, raw: Buffer.from(r.raw) });
      }
      this.wakeAll();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wakeAll();
    });
    socket.on('error', () => {});
  }

  private wakeAll(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  static async connect(port: number): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    await once(socket, 'connect');
    return new RawClient(socket);
  }

  /** Sends raw bytes. */
  write(bytes: Buffer | string): void {
    this.socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  }

  /** The next `n` replies; rejects after `timeoutMs` or when the connection closes first. */
  async read(n: number, timeoutMs = 10_000): Promise<FramedReply[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length < n) {
      if (this.closed) throw new Error(`connection closed after ${this.queue.length} of ${n} replies`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${n} replies (got ${this.queue.length})`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.queue.splice(0, n);
  }

  /** Sends every command pipelined and returns their replies in order. */
  async pipeline(commands: readonly (readonly string[])[], timeoutMs?: number): Promise<FramedReply[]> {
    this.write(Buffer.concat(commands.map(encodeCommand)));
    return this.read(commands.length, timeoutMs);
  }

  /** Resolves once the server closed the connection. */
  async waitClosed(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return this.closed;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A redis-server child process. */
export interface RedisPeer {
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts Debian's redis-server 7.0 on a free loopback port, without persistence. The port is free
 * when picked, but another test file's server may take it before redis-server binds it (which then
 * exits): a server answers only once `INFO server` names this child's pid; else a new port is tried.
 */
export async function startRedis(extra: string[] = []): Promise<RedisPeer> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child: ChildProcess = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--databases', '1', ...extra],
      { stdio: 'ignore' },
    );
    const answered = await answersAs(port, child);
    if (answered === true) return redisPeer(port, child);
    if (running(child)) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    if (attempt === 3) throw new Error(`redis-server did not start: ${answered}`);
  }
}

/** True once the server on `port` is `child` (its pid in `INFO server`); else why not, once `child` exited or 15 s passed. */
async function answersAs(port: number, child: ChildProcess): Promise<true | string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const c = await RawClient.connect(port);
      try {
        const [info] = await c.pipeline([['INFO', 'server']]);
        const text = info?.raw.toString('latin1') ?? '';
        const pid = /process_id:(\d+)/.exec(text)?.[1];
        if (pid === String(child.pid)) return true;
        // A server started with --requirepass answers NOAUTH: it is this child while that runs.
        if (text.startsWith('-NOAUTH') && running(child)) return true;
        if (!running(child)) return `port ${port} is another server's (pid ${pid ?? 'unknown'})`;
      } finally {
        c.close();
      }
    } catch (e) {
      if (!running(child)) return `it exited (${child.exitCode ?? child.signalCode}): ${e}`;
    }
    if (Date.now() > deadline) return `nothing answered on port ${port} for 15 s`;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The child has not exited (nor been killed by a signal). */
function running(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

function redisPeer(port: number, child: ChildProcess): RedisPeer {
  return {
    port,
    stop: async () => {
      if (!running(child)) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** Starts corelane-kv in this process on a free port. */
export async function startKv(options: KvServerOptions = {}): Promise<KvServer> {
  return startServer({ port: 0, ...options });
}

/** Both servers for a describe block: started before its tests, stopped after. */
export function bothServers(): { redis: RedisPeer; kv: KvServer } {
  const peers = {} as { redis: RedisPeer; kv: KvServer };
  beforeAll(async () => {
    peers.redis = await startRedis();
    peers.kv = await startKv();
  });
  afterAll(async () => {
    await peers.redis?.stop();
    await peers.kv?.close();
  });
  return peers;
}

/** Both servers and one raw connection to each, for a describe block. */
export function bothConnected(options: KvServerOptions = {}): { theirs: RawClient; ours: RawClient; kv: KvServer } {
  const peers = {} as { redis: RedisPeer; kv: KvServer; theirs: RawClient; ours: RawClient };
  beforeAll(async () => {
    peers.redis = await startRedis();
    peers.kv = await startKv(options);
    peers.theirs = await RawClient.connect(peers.redis.port);
    peers.ours = await RawClient.connect(peers.kv.port);
  });
  afterAll(async () => {
    peers.theirs?.close();
    peers.ours?.close();
    await peers.redis?.stop();
    await peers.kv?.close();
  });
  return peers;
}
