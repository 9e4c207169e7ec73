import { availableCpus, capabilities } from '@corelane/affinity';
import { describe, expect, it } from 'vitest';
import { PostMessagePair } from '../src/peers/postmessage.js';

// Runs the built worker script (dist/workers/postmessage.js). Asserts counts and placement, never speed.
describe('PostMessagePair (the postMessage baseline)', () => {
  it('bounces and streams exactly the requested count, unpinned', { timeout: 60_000 }, async () => {
    const pair = await PostMessagePair.start({ cpus: null });
    try {
      const pp = await pair.pingPong(500, 20_000);
      expect(pp.count).toBe(500);
      expect(pp.perSecond).toBeGreaterThan(0);
      const st = await pair.stream(2_000, 20_000);
      // Timed first to last message: 1999 intervals.
      expect(st.count).toBe(1_999);
      expect(Number.isFinite(st.perSecond)).toBe(true);
      // Fresh channel per run: a second run sees none of the first one's messages.
      expect((await pair.stream(1_000, 20_000)).count).toBe(999);
    } finally {
      await pair.close();
    }
  });

  const canPin = capabilities().pinThread.available && availableCpus().length >= 2;
  it.runIf(canPin)('pins each worker to its CPU', { timeout: 60_000 }, async () => {
    const cpus = availableCpus();
    const wanted: [number, number] = [cpus[0] as number, cpus[1] as number];
    const pair = await PostMessagePair.start({ cpus: wanted });
    try {
      expect(pair.placement.map((p) => p.affinity)).toEqual([[wanted[0]], [wanted[1]]]);
      expect(pair.placement[0].tid).not.toBe(pair.placement[1].tid);
      expect((await pair.pingPong(200, 20_000)).count).toBe(200);
    } finally {
      await pair.close();
    }
  });

  it('rejects calls after close instead of hanging', { timeout: 60_000 }, async () => {
    const pair = await PostMessagePair.start({ cpus: null });
    await pair.close();
    await expect(pair.pingPong(10, 1_000)).rejects.toThrow(/terminated/);
  });
});
