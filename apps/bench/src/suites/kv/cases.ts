// The kv cases of issue 13: redis-benchmark against corelane-kv and redis-server 7.0 (and
// corelane-kv --cores 1), unpipelined and -P 16, interleaved sample by sample.
import { median } from '../../harness/stats.js';
import type { BenchCase } from '../../harness/suite.js';
import { unavailable } from '../../harness/suite.js';
import { type BenchmarkResult, type BenchmarkRun, redisBenchmark } from './benchmark.js';
import { type Persistence, redisUnavailable, type Server, startCorelaneKv, startRedisServer } from './servers.js';

/**
 * Issue 13's tests, each unpipelined and at -P 16. MSET's 10 keys land on both cores: every
 * MSET is a cross-core command (keys locked on each owner, applied on both; see apps/kv).
 */
const TESTS = ['set', 'get', 'incr', 'lpush', 'lpop', 'sadd', 'hset', 'mset'];

type Peer = 'redis-server' | 'cores 1';

/** What the samples of one side saw besides requests/s: redis-benchmark's latencies, the server's CPU. */
interface SideStats {
  p50Ms: number[];
  p99Ms: number[];
  /** Server CPU time per request, in µs: the cost that decides throughput when the CPUs are shared. */
  cpuUs: number[];
}

/** The median of the finite values (NaN when none): redis-benchmark may print no latency. */
function finiteMedian(values: number[]): number {
  const finite = values.filter((v) => Number.isFinite(v));
  return finite.length === 0 ? Number.NaN : median(finite);
}

/** One sample against `server`: its requests/s, its latencies and CPU per request recorded in `stats`. */
async function sample(server: Server, run: BenchmarkRun, stats: SideStats): Promise<number> {
  const before = server.cpuMs();
  const result: BenchmarkResult = await redisBenchmark(server.port, run);
  stats.p50Ms.push(result.p50Ms);
  stats.p99Ms.push(result.p99Ms);
  stats.cpuUs.push(((server.cpuMs() - before) * 1000) / run.requests);
  return result.rps;
}

function describeStats(name: string, s: SideStats): string {
  const f = (v: number, digits: number) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
  return `${name}: p50 ${f(finiteMedian(s.p50Ms), 3)} ms, p99 ${f(finiteMedian(s.p99Ms), 3)} ms, server CPU ${f(finiteMedian(s.cpuUs), 2)} µs/request`;
}

/** This run's medians of both sides, once it sampled: for the case's description. */
function describeRun(ours: SideStats, peerName: string, theirs: SideStats): string {
  if (ours.p50Ms.length === 0) return '';
  return ` This run (medians of the samples): ${describeStats('corelane-kv --cores 2', ours)}; ${describeStats(peerName, theirs)}.`;
}

function persistenceLabel(p: Persistence): string {
  return p === null ? 'no persistence' : `appendfsync ${p}`;
}

function benchCase(test: string, pipeline: number, peer: Peer, persistence: Persistence): BenchCase {
  const peerName =
    peer === 'redis-server' ? `redis-server 7.0 (${persistenceLabel(persistence)})` : 'corelane-kv --cores 1';
  const suffix = persistence === null ? '' : ` ${persistence}`;
  const oursStats: SideStats = { p50Ms: [], p99Ms: [], cpuUs: [] };
  const peerStats: SideStats = { p50Ms: [], p99Ms: [], cpuUs: [] };
  const description =
    `One sample is one redis-benchmark run (-c 50 -r 100000 -t ${test} -P ${pipeline}) against each server in ` +
    'turn, its requests per second, after one pipelined warm-up run of the same test against each (fresh ' +
    'processes: the samples measure the JIT-compiled path). Both servers are child processes on loopback; ' +
    'redis-benchmark shares the machine with them, so the server CPU time per request (utime + stime of the ' +
    'server process over the run, all its threads) decides throughput once the CPUs are busy. ' +
    'Targets (issue 13): -P 1 >= 1.0x redis-server, -P 16 >= 0.5x, --cores 2 >= 1.5x --cores 1.';
  return {
    name: `${test} -P ${pipeline}${suffix} vs ${peer}`,
    metric: `redis-benchmark -t ${test} -c 50 -r 100000 -P ${pipeline}, ${persistenceLabel(persistence)}`,
    unit: 'requests/s',
    higherIsBetter: true,
    ours: 'corelane-kv --cores 2',
    peer: peerName,
    budgetMs: { quick: 15_000, full: 60_000 },
    /** The fixed text, then this run's p50/p99 and server CPU per request of both sides. */
    get description() {
      return description + describeRun(oursStats, peerName, peerStats);
    },
    async setup(ctx) {
      const missing = redisUnavailable();
      if (missing !== null) return unavailable(missing);
      const requests = (pipeline === 1 ? 10_000 : 100_000) * (ctx.quick ? 1 : 4);
      const servers: Server[] = [];
      try {
        servers.push(await startCorelaneKv(2, persistence));
        servers.push(peer === 'redis-server' ? await startRedisServer(persistence) : await startCorelaneKv(1, null));
      } catch (e) {
        await Promise.all(servers.map((s) => s.stop()));
        throw e;
      }
      const [ours, theirs] = servers as [Server, Server];
      const run = { test, pipeline, requests };
      // Each server is a fresh process: a pipelined run of the same test first, so that the
      // samples measure the JIT-compiled path (and redis-server's warm allocator) on both sides.
      const warmUp = { test, pipeline: 16, requests: ctx.quick ? 50_000 : 200_000 };
      try {
        for (const server of servers) await redisBenchmark(server.port, warmUp);
      } catch (e) {
        await Promise.all(servers.map((s) => s.stop()));
        throw e;
      }
      return {
        ours: () => sample(ours, run, oursStats),
        peer: () => sample(theirs, run, peerStats),
        teardown: async () => {
          await Promise.all(servers.map((s) => s.stop()));
          // The harness keeps one number per sample; these medians go to the progress output.
          process.stderr.write(
            `  ${test} -P ${pipeline}: ${describeStats('corelane-kv --cores 2', oursStats)}; ${describeStats(peerName, peerStats)}\n`,
          );
        },
      };
    },
  };
}

/** Every kv case: each test at -P 1 and -P 16 vs redis-server, SET with persistence, and --cores 2 vs --cores 1. */
export function kvCases(): BenchCase[] {
  const cases: BenchCase[] = [];
  for (const pipeline of [1, 16]) {
    for (const test of TESTS) cases.push(benchCase(test, pipeline, 'redis-server', null));
  }
  for (const persistence of ['everysec', 'always'] as const) {
    for (const pipeline of [1, 16]) cases.push(benchCase('set', pipeline, 'redis-server', persistence));
  }
  for (const pipeline of [1, 16]) cases.push(benchCase('get', pipeline, 'cores 1', null));
  return cases;
}
