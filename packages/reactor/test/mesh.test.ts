// The core-to-core mesh: all-to-all traffic with checksums, and two cores flooding each other
// through rings far too small for what they send — both finish, nothing lost, in order.
import { describe, expect, it } from 'vitest';
import { withLab } from './helpers/lab.js';

interface MeshReport {
  core: number;
  meshReceived: number;
  meshChecksum: number;
  meshSum: number;
  meshOutOfOrder: number;
  fromCore: Record<string, number>;
}

function mix(sum: number, x: number): number {
  return (Math.imul(sum ^ x, 0x9e3779b1) + 0x7f4a7c15) | 0;
}

/** The checksum core `to` must hold after receiving `n` records from each core in `from`, interleaved as sent. */
function expectedChecksum(arrivals: [from: number, seq: number][]): number {
  let sum = 0;
  for (const [from, seq] of arrivals) sum = mix(sum, ((seq * 7 + from) | 0) + from * 1000003);
  return sum;
}

describe('mesh', () => {
  it('all-to-all: every core sends to every core; each gets every record once, in order per sender', async () => {
    const cores = 3;
    const n = 20_000;
    await withLab({ cores, pin: false, ring: 16_384 }, async (rt) => {
      const sent = (await rt.broadcast({ op: 'blast', n })) as number[];
      expect(sent).toEqual(new Array(cores).fill(n * cores));
      // Wait until every record arrived (bounded), then check counts, order and sources.
      let reports: MeshReport[] = [];
      for (let i = 0; i < 2000; i++) {
        reports = (await rt.broadcast({ op: 'meshReport' })) as MeshReport[];
        if (reports.every((r) => r.meshReceived === n * cores)) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      for (const r of reports) {
        expect(r.meshReceived).toBe(n * cores);
        expect(r.meshOutOfOrder).toBe(0);
        expect(r.fromCore).toEqual(Object.fromEntries(Array.from({ length: cores }, (_, c) => [String(c), n])));
        let sum = 0;
        for (let from = 0; from < cores; from++) {
          for (let seq = 0; seq < n; seq++) sum = (sum + ((seq * 7 + from) | 0) + from * 1000003) % 2147483647;
        }
        expect(r.meshSum).toBe(sum);
      }
    });
  }, 60_000);

  it('two cores flooding each other through 4 KiB rings both finish (no deadlock)', async () => {
    const n = 30_000;
    await withLab({ cores: 2, ring: 4096, backpressure: { policy: 'block', overflow: 64 } }, async (rt) => {
      // Both floods start together; each core's ring to the other fills at once.
      const sent = await Promise.all([
        rt.requestTo(0, { op: 'flood', n, to: 1 }),
        rt.requestTo(1, { op: 'flood', n, to: 0 }),
      ]);
      expect(sent).toEqual([n, n]);
      let reports: MeshReport[] = [];
      for (let i = 0; i < 4000; i++) {
        reports = (await rt.broadcast({ op: 'meshReport' })) as MeshReport[];
        if (reports.every((r) => r.meshReceived === n)) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      for (const r of reports) {
        const from = 1 - r.core;
        expect(r.meshReceived).toBe(n);
        expect(r.meshOutOfOrder).toBe(0);
        expect(r.meshChecksum).toBe(expectedChecksum(Array.from({ length: n }, (_, seq) => [from, seq])));
      }
      const stats = rt.stats();
      // The rings really were full: both cores parked records in their overflow queues.
      for (const c of stats.cores) expect(c.overflowMax).toBeGreaterThan(0);
    });
  }, 60_000);
});
