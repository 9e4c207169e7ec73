import { describe, expect, it } from 'vitest';
import { runCase, runSuites } from '../src/harness/run.js';
import { defineSuite, unavailable } from '../src/harness/suite.js';
import { fakeCase, mixedSuite } from './helpers.js';

const suiteOf = (...cases: Parameters<typeof defineSuite>[0]['cases']) =>
  defineSuite({ name: 'fake', description: 'fake', cases });

describe('runner', () => {
  it('interleaves A B A B, one warm-up round first, never two of one side in a row', async () => {
    const calls: string[] = [];
    const c = fakeCase('c', calls, { ours: [1], peer: [1] });
    await runCase(suiteOf(c), c, { quick: true, rounds: 3, warmupRounds: 1 });
    expect(calls).toEqual(['c:setup', 'c:A', 'c:B', 'c:A', 'c:B', 'c:A', 'c:B', 'c:A', 'c:B', 'c:teardown']);
  });

  it('records only the rounds after the warm-up, in order, and takes medians', async () => {
    const calls: string[] = [];
    // Warm-up gets 1000 / 1; recorded rounds: ours 300, 100, 200; peer 30, 10, 20.
    const c = fakeCase('c', calls, { ours: [1000, 300, 100, 200], peer: [1, 30, 10, 20] });
    const r = await runCase(suiteOf(c), c, { quick: true, rounds: 3 });
    expect(r.status).toBe('ok');
    expect(r.samples).toEqual([300, 100, 200]);
    expect(r.peerSamples).toEqual([30, 10, 20]);
    expect(r.roundRatios).toEqual([10, 10, 10]);
    expect(r.value).toBe(200);
    expect(r.peerValue).toBe(20);
    expect(r.ratio).toBe(10);
    expect(r.speedup).toBe(10);
    expect(r.reading).toBe('10.0x faster');
    expect(r.stats?.ours.median).toBe(200);
  });

  it("calls rounds that disagree on the side 'no clear difference', whatever the medians say", async () => {
    // Recorded rounds: ratios 1.3, 0.9, 1.1 (median 1.1): one round has the peer ahead.
    const c = fakeCase('noisy', [], { ours: [1, 130, 90, 110], peer: [1, 100, 100, 100] });
    const r = await runCase(suiteOf(c), c, { quick: true, rounds: 3 });
    expect(r.roundRatios).toEqual([1.3, 0.9, 1.1]);
    expect(r.ratio).toBeCloseTo(1.1, 12);
    expect([r.clear, r.reading]).toEqual([false, 'no clear difference']);
    const steady = fakeCase('steady', [], { ours: [1, 130, 120, 110], peer: [1, 100, 100, 100] });
    const s = await runCase(suiteOf(steady), steady, { quick: true, rounds: 3 });
    expect([s.clear, s.reading]).toEqual([true, '1.20x faster']);
  });

  it("carries a case's weakPeer reason into its result (null when it has none)", async () => {
    const weak = fakeCase('weak', [], { ours: [2], peer: [1] }, { weakPeer: 'a child process' });
    const fair = fakeCase('fair', [], { ours: [2], peer: [1] });
    expect((await runCase(suiteOf(weak), weak, { quick: true, rounds: 1 })).weakPeer).toBe('a child process');
    expect((await runCase(suiteOf(fair), fair, { quick: true, rounds: 1 })).weakPeer).toBeNull();
  });

  it('reads the description after the rounds, so a case can report what it measured in this run', async () => {
    let rounds = 0;
    const base = fakeCase('described', [], { ours: [2], peer: [1] });
    const c = {
      ...base,
      get description() {
        return `measured over ${rounds} samples`;
      },
      setup: async (ctx: Parameters<typeof base.setup>[0]) => {
        const run = await base.setup(ctx);
        if ('unavailable' in run) return run;
        const ours = (): Promise<number> => {
          rounds++;
          return run.ours();
        };
        return { ...run, ours };
      },
    };
    const r = await runCase(suiteOf(c), c, { quick: true, rounds: 2, warmupRounds: 1 });
    expect(r.description).toBe('measured over 3 samples');
  });

  it('reads the ratio of a cost the other way', async () => {
    const c = fakeCase('cost', [], { ours: [5], peer: [20] }, { higherIsBetter: false, unit: 'ns/op' });
    const r = await runCase(suiteOf(c), c, { quick: true, rounds: 2 });
    expect(r.ratio).toBe(0.25);
    expect(r.speedup).toBe(4);
    expect(r.reading).toBe('4.00x faster');
  });

  it('runs every case of every suite in order, each to the end before the next', async () => {
    const calls: string[] = [];
    const suite = suiteOf(
      fakeCase('x', calls, { ours: [1], peer: [1] }),
      fakeCase('y', calls, { ours: [1], peer: [1] }),
    );
    const results = await runSuites([suite], { quick: true, rounds: 1, warmupRounds: 0 });
    expect(results.map((r) => r.case)).toEqual(['x', 'y']);
    expect(calls).toEqual(['x:setup', 'x:A', 'x:B', 'x:teardown', 'y:setup', 'y:A', 'y:B', 'y:teardown']);
  });

  it('reports an unavailable case as skipped with its reason, and never measures it', async () => {
    const c = {
      ...fakeCase('s', [], { ours: [1], peer: [1] }),
      setup: () => unavailable('taskset is not installed'),
    };
    const r = await runCase(suiteOf(c), c, { quick: true, rounds: 3 });
    expect(r).toMatchObject({ status: 'skipped', reason: 'taskset is not installed', value: null, ratio: null });
    expect(r.samples).toEqual([]);
  });

  it('reports a throwing side as an error, with no number, and still tears down', async () => {
    const calls: string[] = [];
    const c = fakeCase('e', calls, { ours: [1], peer: [1] });
    const setup = c.setup;
    c.setup = async (ctx) => {
      const run = await setup(ctx);
      if ('unavailable' in run) return run;
      return { ...run, peer: () => Promise.reject(new Error('peer crashed')) };
    };
    const r = await runCase(suiteOf(c), c, { quick: true, rounds: 3 });
    expect(r).toMatchObject({ status: 'error', reason: 'peer crashed', value: null, peerValue: null, ratio: null });
    expect(calls.at(-1)).toBe('e:teardown');
  });

  it('refuses a sample that is not a positive finite number', async () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      const c = fakeCase('bad', [], { ours: [bad], peer: [1] });
      const r = await runCase(suiteOf(c), c, { quick: true, rounds: 1 });
      expect(r.status).toBe('error');
      expect(r.reason).toMatch(/not a positive finite number/);
    }
  });

  it('fails a sample that outlives the case budget', async () => {
    const calls: string[] = [];
    const c = fakeCase('slow', calls, { ours: [1], peer: [1] }, { budgetMs: { quick: 50, full: 50 } });
    const setup = c.setup;
    c.setup = async (ctx) => {
      const run = await setup(ctx);
      if ('unavailable' in run) return run;
      return { ...run, ours: () => new Promise<number>(() => {}) };
    };
    const r = await runCase(suiteOf(c), c, { quick: true, rounds: 1 });
    expect(r.status).toBe('error');
    expect(r.reason).toMatch(/longer than 50 ms/);
    expect(calls.at(-1)).toBe('slow:teardown');
  });

  it('gives each case its quick or full budget', async () => {
    const seen: number[] = [];
    const c = fakeCase('b', [], { ours: [1], peer: [1] }, { budgetMs: { quick: 1_234, full: 5_678 } });
    const setup = c.setup;
    c.setup = (ctx) => {
      seen.push(ctx.budgetMs);
      return setup(ctx);
    };
    await runCase(suiteOf(c), c, { quick: true, rounds: 1 });
    await runCase(suiteOf(c), c, { quick: false, rounds: 1 });
    expect(seen).toEqual([1_234, 5_678]);
  });

  it('keeps going after a skipped or failing case', async () => {
    const results = await runSuites([mixedSuite()], { quick: true, rounds: 2 });
    expect(results.map((r) => r.status)).toEqual(['ok', 'skipped', 'error']);
  });
});

describe('defineSuite', () => {
  it('rejects bad names, duplicate cases and missing fields', () => {
    const c = fakeCase('c', [], { ours: [1], peer: [1] });
    expect(() => defineSuite({ name: 'Has Space', description: '', cases: [c] })).toThrow(TypeError);
    expect(() => defineSuite({ name: 'ok', description: '', cases: [] })).toThrow(TypeError);
    expect(() => defineSuite({ name: 'ok', description: '', cases: [c, c] })).toThrow(/two cases/);
    expect(() => defineSuite({ name: 'ok', description: '', cases: [{ ...c, peer: '' }] })).toThrow(TypeError);
    expect(defineSuite({ name: 'ok-2', description: '', cases: [c] }).cases).toHaveLength(1);
  });
});

describe('runner cleanup', () => {
  it('tears down a setup that finishes after its timeout', async () => {
    const calls: string[] = [];
    const c = fakeCase('late', calls, { ours: [1], peer: [1] }, { budgetMs: { quick: 30, full: 30 } });
    const setup = c.setup;
    c.setup = (ctx) => new Promise((resolve) => setTimeout(() => resolve(setup(ctx)), 80));
    const r = await runCase(suiteOf(c), c, { quick: true, rounds: 1 });
    expect(r.status).toBe('error');
    expect(r.reason).toMatch(/setup of fake\/late took longer than 30 ms/);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(calls).toEqual(['late:setup', 'late:teardown']);
  });
});
