import { isClear, ratioOf, reading, speedup } from './ratio.js';
import type { CaseResult } from './result.js';
import { median, summarize } from './stats.js';
import {
  type BenchCase,
  type CaseContext,
  type CaseRun,
  DEFAULT_BUDGET,
  isUnavailable,
  type Measure,
  type Suite,
} from './suite.js';

export interface RunOptions {
  quick: boolean;
  /** Recorded rounds per case; each round measures ours once, then the peer once. */
  rounds: number;
  /** Unrecorded rounds before them (default 1). */
  warmupRounds?: number;
  /** Progress lines (the CLI prints them to stderr). */
  log?: (line: string) => void;
}

export const QUICK_ROUNDS = 3;
export const FULL_ROUNDS = 7;

/** Rejects when `promise` takes longer than `ms`; the timer never keeps the process alive. */
async function within<T>(promise: Promise<T> | T, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${Math.round(ms)} ms`)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function sample(measure: Measure, side: string, budgetMs: number): Promise<number> {
  const value = await within(measure(), budgetMs, `one sample of ${side}`);
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new Error(`${side} returned ${String(value)}, not a positive finite number`);
  }
  return value;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs one case: setup, warm-up rounds, then `rounds` rounds of A B (ours, then peer),
 * interleaved so that drift in the machine (other tenants, frequency, caches) hits both sides
 * alike. The result holds the medians, `ratio = value / peerValue`, and every raw sample.
 */
export async function runCase(suite: Suite, c: BenchCase, options: RunOptions): Promise<CaseResult> {
  const budgetMs = (c.budgetMs ?? DEFAULT_BUDGET)[options.quick ? 'quick' : 'full'];
  const warmupRounds = options.warmupRounds ?? 1;
  const ctx: CaseContext = { quick: options.quick, rounds: options.rounds, budgetMs };
  const started = performance.now();
  const base: CaseResult = {
    suite: suite.name,
    case: c.name,
    metric: c.metric,
    unit: c.unit,
    ours: c.ours ?? 'corelane',
    peer: c.peer,
    higherIsBetter: c.higherIsBetter,
    status: 'ok',
    reason: null,
    value: null,
    peerValue: null,
    ratio: null,
    speedup: null,
    reading: null,
    clear: null,
    samples: [],
    peerSamples: [],
    roundRatios: [],
    stats: null,
    description: c.description ?? null,
    weakPeer: c.weakPeer ?? null,
    elapsedMs: 0,
    budgetMs,
  };
  const finish = (result: CaseResult): CaseResult => {
    result.elapsedMs = performance.now() - started;
    // Read again after the rounds: a case may describe what it measured in this run.
    result.description = c.description ?? null;
    return result;
  };

  let run: CaseRun | undefined;
  try {
    const setup = Promise.resolve().then(() => c.setup(ctx));
    const prepared = await within(setup, budgetMs, `setup of ${suite.name}/${c.name}`).catch((error: unknown) => {
      // A setup that finishes after its timeout still gets torn down (its workers must not linger).
      setup.then((late) => (isUnavailable(late) ? undefined : late.teardown?.())).catch(() => {});
      throw error;
    });
    if (isUnavailable(prepared)) return finish({ ...base, status: 'skipped', reason: prepared.unavailable });
    run = prepared;
    for (let round = 0; round < warmupRounds + options.rounds; round++) {
      const a = await sample(run.ours, base.ours, budgetMs);
      const b = await sample(run.peer, base.peer, budgetMs);
      if (round < warmupRounds) continue;
      base.samples.push(a);
      base.peerSamples.push(b);
      base.roundRatios.push(a / b);
    }
  } catch (error) {
    return finish({ ...base, status: 'error', reason: message(error), samples: [], peerSamples: [], roundRatios: [] });
  } finally {
    if (run?.teardown) {
      try {
        await within(run.teardown(), budgetMs, `teardown of ${suite.name}/${c.name}`);
      } catch (error) {
        options.log?.(`  teardown of ${suite.name}/${c.name} failed: ${message(error)}`);
      }
    }
  }

  const value = median(base.samples);
  const peerValue = median(base.peerSamples);
  const ratio = ratioOf(value, peerValue);
  return finish({
    ...base,
    value,
    peerValue,
    ratio,
    speedup: speedup(ratio, c.higherIsBetter),
    reading: reading(ratio, c.higherIsBetter, base.roundRatios),
    clear: isClear(base.roundRatios),
    stats: { ours: summarize(base.samples), peer: summarize(base.peerSamples) },
  });
}

/** Runs every case of every suite, one after the other (never two at once: they would disturb each other). */
export async function runSuites(suites: readonly Suite[], options: RunOptions): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const suite of suites) {
    for (const c of suite.cases) {
      options.log?.(`${suite.name} / ${c.name}: ${c.ours ?? 'corelane'} vs ${c.peer} …`);
      const result = await runCase(suite, c, options);
      const took = `${(result.elapsedMs / 1000).toFixed(1)} s`;
      if (result.status === 'ok') options.log?.(`  ${result.reading} (${took})`);
      else options.log?.(`  ${result.status}: ${result.reason} (${took})`);
      if (result.elapsedMs > result.budgetMs) {
        options.log?.(`  warning: took ${took}, over its budget of ${(result.budgetMs / 1000).toFixed(1)} s`);
      }
      results.push(result);
    }
  }
  return results;
}
