import { describe, expect, it } from 'vitest';
import type { CaseRun } from '../src/harness/suite.js';
import { suites } from '../src/suites/index.js';
import { SpscPair } from '../src/suites/spsc/pair.js';

// Runs the built worker script (dist/workers/spsc.js). Each ping-pong side checks every value it
// gets against the sequence and throws on the first wrong one; these assert counts, never speed.
describe('SpscPair ping-pong and the floors', () => {
  it('ours, ringbuf.js and the bare floor bounce every value, wrapping the ring; the batched floor streams in sequence', {
    timeout: 60_000,
  }, async () => {
    const pair = await SpscPair.start();
    try {
      // 3000 round trips: each 1024-slot ring wraps twice, and the bare consumer hands slots back 46 times
      for (const impl of ['ours', 'rb', 'bare'] as const) {
        const result = await pair.pingPong(impl, 3_000, 20_000);
        expect(result.count, impl).toBe(3_000);
        expect(result.median, impl).toBeGreaterThan(0);
        expect(result.p99, impl).toBeGreaterThanOrEqual(result.median);
      }
      // the batched floor: 100,000 values through 16,384 slots (a short last batch, several wraps)
      expect(await pair.stream('bare-batch', 100_000, 4, 20_000)).toBeGreaterThan(0);
      const timer = await pair.timerInterval(1_000);
      expect(Number.isFinite(timer) && timer >= 0).toBe(true);
    } finally {
      await pair.close();
    }
  });

  it('the ping-pong case against ringbuf.js describes the floor and the timer it measured beside its samples', {
    timeout: 60_000,
  }, async () => {
    const c = suites.find((s) => s.name === 'spsc')?.cases.find((k) => k.name === 'ping-pong median vs ringbuf.js');
    if (!c) throw new Error('no ping-pong median vs ringbuf.js case');
    const run = (await c.setup({ quick: true, rounds: 1, budgetMs: 15_000 })) as CaseRun;
    try {
      expect(c.description).not.toMatch(/In this run/); // nothing measured yet
      const ours = await run.ours();
      const peer = await run.peer();
      const text = c.description ?? '';
      expect(text).toMatch(
        /In this run \(each sample's median, medians of 1 samples\): ours \d+ ns, ringbuf\.js \d+ ns;/,
      );
      expect(text).toContain(`ours ${ours.toFixed(0)} ns, ringbuf.js ${peer.toFixed(0)} ns`);
      expect(text).toMatch(
        /written bare in the bench .* \d+ ns, of which the timer .* is \d+ ns\. The bare ring against ringbuf\.js: \d+\.\d\dx/,
      );
    } finally {
      await run.teardown?.();
    }
  });
});
