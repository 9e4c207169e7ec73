/**
 * What a benchmark suite is. A suite has cases; a case compares our subject (A) with one named
 * peer (B) on one metric. Each side is a `measure()` that returns ONE sample of the metric; the
 * runner calls them interleaved (A B A B …) and keeps the medians.
 */

/** One sample of the metric (e.g. ns per op, or messages per second). Must be finite and > 0. */
export type Measure = () => Promise<number>;

/** What a case learns about the run it is part of. */
export interface CaseContext {
  /** `--quick`: size the work so that the whole quick run stays under about a minute. */
  readonly quick: boolean;
  /** Recorded rounds the runner will do (each round: one sample of A, one of B). */
  readonly rounds: number;
  /**
   * Wall-clock budget of the whole case (every sample of both sides, warm-up included), in ms.
   * A case sizes its iterations to stay within it; the runner fails one sample that takes longer.
   */
  readonly budgetMs: number;
}

/** The two sides of a case, ready to be measured; `teardown` runs once, always. */
export interface CaseRun {
  ours: Measure;
  peer: Measure;
  teardown?: () => void | Promise<void>;
}

/** What `setup()` returns when the case cannot run here: reported as skipped, never as a number. */
export interface Unavailable {
  unavailable: string;
}

/** Marks a case as unavailable on this machine, with the reason shown in every report. */
export function unavailable(reason: string): Unavailable {
  return { unavailable: reason };
}

export function isUnavailable(value: CaseRun | Unavailable): value is Unavailable {
  return typeof (value as Unavailable).unavailable === 'string';
}

/** The wall-clock budget of a case, in ms, for quick and full runs. */
export interface Budget {
  quick: number;
  full: number;
}

export interface BenchCase {
  /** Short, unique within the suite (the JSON `case` field). */
  name: string;
  /** What is measured, e.g. `pin cost`, `round trips`. */
  metric: string;
  /** Unit of one sample, e.g. `ns/op`, `round trips/s`. Units starting with `ns` print as time. */
  unit: string;
  /** How to read `ratio = value / peerValue`: true for throughputs, false for costs. */
  higherIsBetter: boolean;
  /** Name of our side in reports (default `corelane`). */
  ours?: string;
  /** Name of the peer (B), e.g. `taskset -cp (child process)`. */
  peer: string;
  /** Wall-clock budget of the case (default 5 s quick, 30 s full). */
  budgetMs?: Budget;
  /**
   * One line on what is compared and how; shown in the HTML report. Read once more after the
   * rounds, so a getter may add what the case measured in this run (e.g. a cost breakdown).
   */
  description?: string;
  /**
   * Set when the peer is a weak one, saying why (e.g. `a child process: most of its cost is the
   * spawn`): the report marks the case so its ratio is not read as a win over a fair rival.
   */
  weakPeer?: string;
  /** Prepares both sides (spawn workers, check tools) or says why the case cannot run here. */
  setup(ctx: CaseContext): CaseRun | Unavailable | Promise<CaseRun | Unavailable>;
}

export interface Suite {
  /** The `--filter` name, lower-case, no spaces (e.g. `affinity`). */
  name: string;
  description: string;
  cases: BenchCase[];
}

export const DEFAULT_BUDGET: Budget = { quick: 5_000, full: 30_000 };

const SUITE_NAME = /^[a-z][a-z0-9-]*$/;

/** Checks a suite's shape once, when it is defined, so a typo fails loudly instead of mid-run. */
export function defineSuite(suite: Suite): Suite {
  if (!SUITE_NAME.test(suite.name)) {
    throw new TypeError(`suite name ${JSON.stringify(suite.name)} must match ${SUITE_NAME}`);
  }
  if (suite.cases.length === 0) throw new TypeError(`suite ${suite.name} has no cases`);
  const seen = new Set<string>();
  for (const c of suite.cases) {
    if (!c.name) throw new TypeError(`suite ${suite.name} has a case without a name`);
    if (seen.has(c.name)) throw new TypeError(`suite ${suite.name} has two cases named ${JSON.stringify(c.name)}`);
    seen.add(c.name);
    if (!c.metric || !c.unit || !c.peer) {
      throw new TypeError(`case ${suite.name}/${c.name} needs a metric, a unit and a peer name`);
    }
    const budget = c.budgetMs ?? DEFAULT_BUDGET;
    if (!(budget.quick > 0 && budget.full > 0)) {
      throw new TypeError(`case ${suite.name}/${c.name} needs a positive budget`);
    }
  }
  return suite;
}
