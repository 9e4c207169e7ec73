// The servers the kv cases drive: corelane-kv (its bin, on the runtime) and redis-server 7.0,
// each a child process on a free loopback port, without persistence unless a case asks.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A server child process. */
export interface Server {
  readonly port: number;
  /** CPU time the server process has used so far (user + system), in ms; NaN where /proc is not there. */
  cpuMs(): number;
  stop(): Promise<void>;
}

/** The CPU time of process `pid` (utime + stime of /proc/<pid>/stat), in ms; NaN when unreadable. */
function cpuMsOf(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

/** USER_HZ: what /proc counts CPU time in (100 on every Linux build that matters). */
const CLOCK_TICKS = 100;

/** Why redis-server or redis-benchmark cannot run here, or null. */
export function redisUnavailable(): string | null {
  for (const tool of ['redis-server', 'redis-benchmark']) {
    const probe = spawnSync(tool, ['--version'], { encoding: 'utf8' });
    if (probe.error) return `${tool} is not installed (Debian packages redis-server and redis-tools)`;
  }
  return null;
}

/** The corelane-kv bin of the workspace's @corelane/kv build. */
function kvCli(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@corelane/kv/package.json')), 'dist', 'cli.js');
}

async function freePort(): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const address = s.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

async function waitListening(port: number, child: ChildProcess, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`${what} did not start on port ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function stopper(child: ChildProcess, dir: string | null): () => Promise<void> {
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
  };
}

/** Redis's appendfsync, or null for no persistence. */
export type Persistence = null | 'everysec' | 'always';

/** Starts `corelane-kv --cores <cores>` (with a fresh data dir when persistent). */
export async function startCorelaneKv(cores: number, persistence: Persistence): Promise<Server> {
  const port = await freePort();
  const dir = persistence === null ? null : mkdtempSync(join(tmpdir(), 'bench-kv-'));
  const args = [kvCli(), '--port', String(port), '--cores', String(cores)];
  if (dir !== null) args.push('--dir', dir, '--appendfsync', persistence as string);
  const child = spawn(process.execPath, args, { stdio: 'ignore' });
  await waitListening(port, child, 'corelane-kv');
  return { port, cpuMs: () => cpuMsOf(child.pid), stop: stopper(child, dir) };
}

/** Starts redis-server 7.0 (an AOF in a fresh dir when persistent). */
export async function startRedisServer(persistence: Persistence): Promise<Server> {
  const port = await freePort();
  const dir = persistence === null ? null : mkdtempSync(join(tmpdir(), 'bench-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--databases', '1'];
  if (dir === null) args.push('--appendonly', 'no');
  else args.push('--appendonly', 'yes', '--appendfsync', persistence as string, '--dir', dir);
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  await waitListening(port, child, 'redis-server');
  return { port, cpuMs: () => cpuMsOf(child.pid), stop: stopper(child, dir) };
}
