// corelane-kv as its users run it: the bin (dist/cli.js) in a child process, on the runtime.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** A running corelane-kv process. */
export interface KvProcess {
  readonly child: ChildProcess;
  readonly port: number;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** SIGTERM, and resolves with the exit code. */
  close(): Promise<void>;
}

/** The exit code of `child` once it exited. */
export async function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

/** Starts `corelane-kv --port 0 …args` and resolves once it logged its ready line. */
export async function startKvProcess(args: string[] = []): Promise<KvProcess> {
  const child = spawn(process.execPath, [CLI, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const deadline = Date.now() + 30_000;
  while (!/ready on/.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`corelane-kv did not start: ${out}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const port = Number(/ready on [\d.]+:(\d+)/.exec(out)?.[1]);
  return {
    child,
    port,
    output: () => out,
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exitOf(child);
    },
  };
}
