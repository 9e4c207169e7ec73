// One sample: a redis-benchmark run of one test against a server, its requests per second.
import { execFile } from 'node:child_process';

/** What one redis-benchmark run does. */
export interface BenchmarkRun {
  /** `-t`: one test (set, get, incr, lpush, lpop, sadd, hset). */
  test: string;
  /** `-P`: commands pipelined per connection. */
  pipeline: number;
  /** `-n`: requests in the run. */
  requests: number;
}

/** redis-benchmark's result line for one test. */
export interface BenchmarkResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Runs `redis-benchmark -c 50 -r 100000 -t <test> -P <pipeline> -n <requests> --csv` against
 * `port`; rejects when it fails or reports errors.
 */
export function redisBenchmark(port: number, run: BenchmarkRun): Promise<BenchmarkResult> {
  const args = ['-p', String(port), '-c', '50', '-r', '100000', '-t', run.test, '-P', String(run.pipeline)];
  args.push('-n', String(run.requests), '--csv');
  return new Promise((resolve, reject) => {
    execFile('redis-benchmark', args, { timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`redis-benchmark failed: ${error.message} ${stderr}`));
      if (/error/i.test(stdout) || /error/i.test(stderr))
        return reject(new Error(`redis-benchmark: ${stdout}${stderr}`));
      // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
      const line = stdout.split('\n').find((l) => l.startsWith('"') && !l.startsWith('"test"'));
      const fields = line?.split(',').map((f) => Number(f.replace(/"/g, '')));
      const rps = fields?.[1];
      if (fields === undefined || rps === undefined || !(rps > 0)) {
        return reject(new Error(`redis-benchmark printed no result: ${stdout}`));
      }
      resolve({ rps, p50Ms: fields[4] ?? Number.NaN, p99Ms: fields[6] ?? Number.NaN });
    });
  });
}
