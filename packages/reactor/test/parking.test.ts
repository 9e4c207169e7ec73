// Sparse traffic with random gaps while the cores park: every message and request gets
// through (a lost wake-up would leave a request hanging, and the test would time out).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sleep, withLab } from './helpers/lab.js';

describe('parking', () => {
  for (const idle of ['park', 'hybrid'] as const) {
    it(`idle '${idle}': requests with random gaps all complete; the cores really parked`, async () => {
      await withLab({ cores: 2, idle }, async (rt) => {
        const gaps = fc.sample(fc.integer({ min: 0, max: 4 }), 300);
        let i = 0;
        for (const gap of gaps) {
          if (gap > 0) await sleep(gap);
          const key = `sparse-${i++}`;
          // Alternate: main → core, and core → core (a request through the mesh, both parked).
          const reply =
            i % 2 === 0 ? await rt.request(key, { op: 'who' }) : await rt.requestTo(i % 2, { op: 'ask', key });
          expect((reply as { key: string }).key).toBe(key);
        }
        const stats = rt.stats();
        for (const c of stats.cores) {
          expect(c.parks).toBeGreaterThan(0);
          expect(c.wakeups).toBeGreaterThan(0);
        }
      });
    }, 60_000);
  }

  it('fire-and-forget sends into parked cores are all handled', async () => {
    await withLab({ cores: 2, idle: 'park' }, async (rt) => {
      const next = new Map<string, number>();
      let sent = 0;
      for (const gap of fc.sample(fc.integer({ min: 0, max: 3 }), 200)) {
        if (gap > 0) await sleep(gap);
        const key = `k${sent % 5}`;
        const ks = next.get(key) ?? 0;
        next.set(key, ks + 1);
        rt.send(key, { op: 'rec', seq: sent++, ks });
      }
      const reports = (await rt.broadcast({ op: 'report' })) as { received: number; outOfOrder: number }[];
      expect(reports.reduce((n, r) => n + r.received, 0)).toBe(sent);
      for (const r of reports) expect(r.outOfOrder).toBe(0);
    });
  }, 60_000);

  it('a request loop answered within replySpinMs still lets the main event loop run', async () => {
    // The core spins and the main thread may spin 50 ms per request: every reply is caught
    // spinning, so without the per-turn bound the loop would run in microtasks to its end and
    // the timer would fire only after it.
    await withLab({ cores: 1, idle: { strategy: 'spin', yieldMs: 4 }, replySpinMs: 50 }, async (rt) => {
      const N = 3000;
      let firedAt = -1;
      let i = 0;
      const timer = setTimeout(() => {
        firedAt = i;
      }, 0);
      for (; i < N; i++) {
        const key = `spin-${i}`;
        expect(((await rt.request(key, { op: 'who' })) as { key: string }).key).toBe(key);
      }
      clearTimeout(timer);
      expect(firedAt).toBeGreaterThanOrEqual(0);
      expect(firedAt).toBeLessThan(N);
    });
  }, 60_000);
});
