import { median } from './stats.js';

/**
 * How a result compares with its peer.
 *
 * `ratio = value / peerValue`, always, whatever the metric. `higherIsBetter` says how to read it:
 * for a throughput (ops/s) a ratio of 3 means ours is 3x faster; for a cost (ns/op) a ratio of
 * 3 means ours is 3x slower, and 0.25 means 4x faster. `speedup` folds both into one reading:
 * how many times better ours is (> 1 better, < 1 worse).
 */
export function ratioOf(value: number, peerValue: number): number {
  if (!(Number.isFinite(value) && Number.isFinite(peerValue) && value > 0 && peerValue > 0)) {
    throw new RangeError(`a ratio needs two positive finite values, got ${value} and ${peerValue}`);
  }
  return value / peerValue;
}

/** Times better ours is than the peer: > 1 better, < 1 worse, 1 the same. */
export function speedup(ratio: number, higherIsBetter: boolean): number {
  return higherIsBetter ? ratio : 1 / ratio;
}

/** Three significant digits, without exponent notation for the values benchmarks produce. */
export function formatFactor(x: number): string {
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

/**
 * Whether the rounds agree on which side is better: false when more than a fifth of them have
 * their ratio on the other side of 1 from the median round (then the medians say little more
 * than the noise). With 3 rounds (`--quick`) one disagreeing round is enough; with 5 or more, a
 * single outlier round (a neighbour's burst on a shared machine) is tolerated.
 */
export function isClear(roundRatios: readonly number[]): boolean {
  if (roundRatios.length === 0) return true;
  const middle = median(roundRatios);
  if (middle === 1) return true;
  const against = roundRatios.filter((r) => (middle > 1 ? r < 1 : r > 1)).length;
  return against <= roundRatios.length / 5;
}

/**
 * A plain reading of the ratio: `12.3x faster`, `1.50x slower`, `same` within 0.5 %, or `no clear
 * difference` when the rounds disagree on the side (see {@link isClear}).
 */
export function reading(ratio: number, higherIsBetter: boolean, roundRatios: readonly number[] = []): string {
  const s = speedup(ratio, higherIsBetter);
  if (Math.abs(s - 1) < 0.005) return 'same';
  if (!isClear(roundRatios)) return 'no clear difference';
  return s > 1 ? `${formatFactor(s)}x faster` : `${formatFactor(1 / s)}x slower`;
}
