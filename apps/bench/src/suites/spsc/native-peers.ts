import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../../harness/worker.js';

const run = promisify(execFile);

/** The peers program, compiled for this run: where it is and whether boost is in it. */
export interface NativePeers {
  binary: string;
  boost: boolean;
}

/** One measurement of the C++ program (see native/peers.cc). */
export interface NativeRun {
  count: number;
  elapsedNs: number;
  median: number;
  p99: number;
}

const BOOST_HEADER = '/usr/include/boost/lockfree/spsc_queue.hpp';
let compiled: Promise<NativePeers | string> | null = null;

async function compile(): Promise<NativePeers | string> {
  const source = join(packageRoot(), 'src', 'suites', 'spsc', 'native', 'peers.cc');
  let include: string;
  try {
    include = join(dirname(createRequire(import.meta.url).resolve('@corelane/spsc/package.json')), 'native', 'include');
  } catch (error) {
    return `cannot find the C++ twin's headers: ${error instanceof Error ? error.message : error}`;
  }
  const boost = existsSync(BOOST_HEADER);
  const flags = ['-O2', '-std=c++20', '-pthread', '-I', include, ...(boost ? ['-DCORELANE_HAVE_BOOST'] : [])];
  const hash = createHash('sha1').update(readFileSync(source)).update(flags.join(' '));
  // Every header of the twin, not only the two peers.cc names: they include layout.h.
  const headers = join(include, 'corelane', 'spsc');
  for (const name of readdirSync(headers).sort()) hash.update(name).update(readFileSync(join(headers, name)));
  const dir = join(tmpdir(), `corelane-bench-spsc-${hash.digest('hex').slice(0, 12)}`);
  const binary = join(dir, 'peers');
  if (existsSync(binary)) return { binary, boost };
  mkdirSync(dir, { recursive: true });
  try {
    await run('g++', [...flags, source, '-o', binary], { timeout: 120_000 });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') return 'g++ is not installed (Debian package g++)';
    return `g++ could not build the C++ peers: ${(e.stderr ?? e.message).split('\n').slice(0, 3).join(' ')}`;
  }
  return { binary, boost };
}

/** Compiles the C++ peers once per process (cached by source hash in the temp dir); a string says why not. */
export function nativePeers(): Promise<NativePeers | string> {
  compiled ??= compile();
  return compiled;
}

/** Runs one measurement: `impl` is boost or twin, `workload` item, batch, record, pingpong or park (twin only). */
export async function runNative(
  peers: NativePeers,
  impl: 'boost' | 'twin',
  workload: 'item' | 'batch' | 'record' | 'pingpong' | 'park',
  count: number,
  size = 0,
): Promise<NativeRun> {
  const { stdout } = await run(peers.binary, [impl, workload, String(count), String(size)], { timeout: 60_000 });
  return JSON.parse(stdout) as NativeRun;
}

/** Items per second of a stream measurement. */
export function perSecond(r: NativeRun): number {
  if (!(r.count > 0 && r.elapsedNs > 0)) throw new Error('native peer: nothing measurable');
  return r.count / (r.elapsedNs / 1e9);
}
