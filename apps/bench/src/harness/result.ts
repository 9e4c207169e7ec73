import type { Summary } from './stats.js';

/** `ok`: both sides measured. `skipped`: the case said it cannot run here. `error`: it threw. */
export type CaseStatus = 'ok' | 'skipped' | 'error';

/**
 * One row of the report: one case, ours vs its peer. `value`, `peerValue`, `ratio` are numbers
 * when `status` is `ok` and `null` otherwise (a skipped case never gets a made-up number).
 */
export interface CaseResult {
  suite: string;
  case: string;
  metric: string;
  unit: string;
  /** Name of our side (A). */
  ours: string;
  /** Name of the peer (B). */
  peer: string;
  higherIsBetter: boolean;
  status: CaseStatus;
  /** Why the case was skipped or failed; `null` when it ran. */
  reason: string | null;
  /** Median of our samples. */
  value: number | null;
  /** Median of the peer's samples. */
  peerValue: number | null;
  /** `value / peerValue`; read it with `higherIsBetter`. */
  ratio: number | null;
  /** Times better ours is (> 1 better, < 1 worse): `ratio`, or `1 / ratio` when lower is better. */
  speedup: number | null;
  /** Plain reading: `12.3x faster`, `1.50x slower`, `same`, `no clear difference`. */
  reading: string | null;
  /**
   * Whether the rounds agree on the side: at most a fifth of them have their ratio on the other
   * side of 1 from the median round (`null` when not measured). When false the reading is `no
   * clear difference`, whatever the medians' ratio says.
   */
  clear: boolean | null;
  /** Recorded samples of ours and of the peer, in the order measured (round i: samples[i], then peerSamples[i]). */
  samples: number[];
  peerSamples: number[];
  /** `samples[i] / peerSamples[i]` per round: how stable the ratio was. */
  roundRatios: number[];
  stats: { ours: Summary; peer: Summary } | null;
  description: string | null;
  /** Why the peer is a weak one (the case's `weakPeer`), or null. */
  weakPeer: string | null;
  /** Wall-clock time of the whole case (setup, warm-up, rounds, teardown) and its budget, in ms. */
  elapsedMs: number;
  budgetMs: number;
}

/** What a whole run knew about itself; the `meta` of the JSON report. */
export interface RunMeta {
  date: string;
  node: string;
  v8: string;
  platform: string;
  arch: string;
  kernel: string;
  cpuModel: string;
  /** Logical CPUs of the machine (`os.cpus().length`). */
  cpuCount: number;
  /** CPUs this process may run on (`os.availableParallelism()`). */
  availableParallelism: number;
  quick: boolean;
  /** Recorded rounds per case (one sample of each side per round). */
  rounds: number;
  /** Unrecorded warm-up rounds per case. */
  warmupRounds: number;
  suites: string[];
  durationMs: number;
}

export interface Report {
  schemaVersion: 1;
  meta: RunMeta;
  results: CaseResult[];
}
