// The Router across real worker_threads: the main thread routes keyed records with sequence
// numbers into one ring per consumer worker; every record must arrive exactly once, at the
// target partition() names, intact and in per-key order — under each backpressure policy.
import { describe, expect, it } from 'vitest';
import {
  expectedTarget,
  KEY_IDS,
  keyFor,
  type PartitionerName,
  type RoutingRun,
  routeThroughWorkers,
} from './helpers/routing.js';

const TARGETS = 3;

/** Checks a run: delivered = exactly the seqs route() says it wrote, each at its key's target. */
function checkRun(
  run: RoutingRun,
  partitioner: PartitionerName = 'modulo',
): { delivered: number; dropped: number; rejected: number } {
  for (const answer of run.answers) expect(answer.errors).toEqual([]);
  const received = new Int32Array(run.outcome.length).fill(-1);
  for (const answer of run.answers) {
    for (const seq of answer.seqs) {
      expect(received[seq], `seq ${seq} received twice`).toBe(-1);
      received[seq] = answer.index;
    }
  }
  let delivered = 0;
  let dropped = 0;
  let rejected = 0;
  for (let seq = 0; seq < run.outcome.length; seq++) {
    const outcome = run.outcome[seq] as number;
    if (outcome >= 0) {
      expect(outcome).toBe(expectedTarget(partitioner, keyFor(seq % KEY_IDS), TARGETS));
      expect(received[seq], `seq ${seq}`).toBe(outcome);
      delivered++;
    } else {
      expect(received[seq], `seq ${seq} was not written but arrived`).toBe(-1);
      if (outcome === -1) dropped++;
      else rejected++;
    }
  }
  const stats = run.stats;
  expect(stats.reduce((sum, s) => sum + s.routed, 0)).toBe(delivered);
  expect(stats.reduce((sum, s) => sum + s.dropped, 0)).toBe(dropped);
  expect(stats.reduce((sum, s) => sum + s.rejected, 0)).toBe(rejected);
  stats.forEach((s, i) => {
    expect(s.routed).toBe(run.answers.find((a) => a.index === i)?.seqs.length);
  });
  return { delivered, dropped, rejected };
}

describe('Router across worker_threads', () => {
  // Consumers read views + decodeRoutedRecord(), or in place with a RoutedReader (offsets into the ring).
  it.each(['decode', 'in-place'] as const)(
    "'block', consumers reading with %s: every record arrives exactly once, at its key's target, in per-key order",
    async (reader) => {
      const count = 20_000;
      const run = await routeThroughWorkers('block', {
        targets: TARGETS,
        count,
        capacity: 2048,
        pauseEvery: 200,
        reader,
      });
      const { delivered } = checkRun(run);
      expect(delivered).toBe(count);
      // The checksum of what each consumer saw matches the seqs it reported.
      for (const answer of run.answers) {
        let checksum = 0;
        for (const seq of answer.seqs) checksum = (checksum + Math.imul(seq + 1, 0x9e3779b1)) | 0;
        expect(answer.checksum).toBe(checksum);
      }
      // Rings of 2 KiB and napping consumers: every ring wrapped many times, and the router had to wait.
      expect(run.stats.reduce((sum, s) => sum + s.blockedWaits, 0)).toBeGreaterThan(0);
    },
    90_000,
  );

  // 'drop' counts skipped records, 'error' counts throws: either way, not delivered.
  it.each([
    ['drop', 'dropped'],
    ['error', 'rejected'],
  ] as const)(
    "'%s': %s + delivered = sent, and the delivered ones are intact and in order",
    async (policy, lost) => {
      const count = 20_000;
      const run = await routeThroughWorkers(policy, { targets: TARGETS, count, capacity: 1024, pauseEvery: 50 });
      const outcome = checkRun(run);
      expect(outcome.delivered + outcome[lost]).toBe(count);
      expect(outcome[lost]).toBeGreaterThan(0);
      expect(outcome.delivered).toBeGreaterThan(0);
    },
    90_000,
  );

  it("routeAsync(), 'block': exactly once, in per-key order, with calls waiting in line on full rings", async () => {
    const count = 12_000;
    const run = await routeThroughWorkers('block', {
      targets: TARGETS,
      count,
      capacity: 2048,
      pauseEvery: 200,
      asyncBurst: 300,
    });
    const { delivered } = checkRun(run);
    expect(delivered).toBe(count);
    expect(run.stats.reduce((sum, s) => sum + s.blockedWaits, 0)).toBeGreaterThan(0);
  }, 90_000);

  it("routeAsync(), 'drop': dropped + delivered = sent, never waiting", async () => {
    const count = 12_000;
    const run = await routeThroughWorkers('drop', {
      targets: TARGETS,
      count,
      capacity: 1024,
      pauseEvery: 50,
      asyncBurst: 300,
    });
    const { delivered, dropped } = checkRun(run);
    expect(delivered + dropped).toBe(count);
    expect(dropped).toBeGreaterThan(0);
    expect(run.stats.reduce((sum, s) => sum + s.blockedWaits, 0)).toBe(0);
  }, 90_000);

  for (const partitioner of ['jump', 'custom'] as const) {
    it(`partitioner '${partitioner}': every record exactly once, at the target the partitioner names`, async () => {
      const count = 12_000;
      const run = await routeThroughWorkers('block', {
        targets: TARGETS,
        count,
        capacity: 2048,
        pauseEvery: 200,
        partitioner,
      });
      const { delivered } = checkRun(run, partitioner);
      expect(delivered).toBe(count);
      // The partitioner really differs from modulo for some keys (else this test proves nothing).
      const differs = Array.from({ length: KEY_IDS }, (_, id) => keyFor(id)).some(
        (key) => expectedTarget(partitioner, key, TARGETS) !== expectedTarget('modulo', key, TARGETS),
      );
      expect(differs).toBe(true);
    }, 90_000);
  }

  it("routeAsync() with partitioner 'jump': exactly once at the jump target", async () => {
    const count = 8_000;
    const run = await routeThroughWorkers('block', {
      targets: TARGETS,
      count,
      capacity: 2048,
      pauseEvery: 200,
      partitioner: 'jump',
      asyncBurst: 200,
    });
    expect(checkRun(run, 'jump').delivered).toBe(count);
  }, 90_000);
});
