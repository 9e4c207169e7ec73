/** Order statistics over a handful of samples. Pure functions; none of them mutates its input. */

function sorted(samples: readonly number[]): number[] {
  if (samples.length === 0) throw new RangeError('no samples');
  for (const s of samples) if (!Number.isFinite(s)) throw new RangeError(`sample ${s} is not a finite number`);
  return [...samples].sort((a, b) => a - b);
}

/**
 * The p-th percentile (0 ≤ p ≤ 100), linear interpolation between closest ranks
 * (the "R-7" / NumPy / Excel PERCENTILE.INC definition): p0 = min, p50 = median, p100 = max.
 */
export function percentile(samples: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile ${p} is outside 0..100`);
  const s = sorted(samples);
  const rank = (p / 100) * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = s[lo] as number;
  const b = s[hi] as number;
  return a + (b - a) * (rank - lo);
}

/** The middle sample (the mean of the two middle ones for an even count). */
export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

export function mean(samples: readonly number[]): number {
  const s = sorted(samples);
  return s.reduce((sum, x) => sum + x, 0) / s.length;
}

/** Sample standard deviation (n - 1); 0 for a single sample. */
export function stddev(samples: readonly number[]): number {
  const s = sorted(samples);
  if (s.length < 2) return 0;
  const m = mean(s);
  return Math.sqrt(s.reduce((sum, x) => sum + (x - m) ** 2, 0) / (s.length - 1));
}

/** Summary of one side's samples, as written to the JSON report. */
export interface Summary {
  n: number;
  median: number;
  mean: number;
  min: number;
  max: number;
  p99: number;
  stddev: number;
  /** Coefficient of variation (stddev / mean): how noisy the samples were. */
  cv: number;
}

export function summarize(samples: readonly number[]): Summary {
  const s = sorted(samples);
  const m = mean(s);
  const sd = stddev(s);
  return {
    n: s.length,
    median: median(s),
    mean: m,
    min: s[0] as number,
    max: s[s.length - 1] as number,
    p99: percentile(s, 99),
    stddev: sd,
    cv: m === 0 ? 0 : sd / Math.abs(m),
  };
}
