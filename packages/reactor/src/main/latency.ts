import { build, type Histogram } from 'hdr-histogram-js';

/** Percentiles of request round trips (main thread → core → main thread), in milliseconds. */
export interface LatencySummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

/** Request latency, recorded in microseconds in an HdrHistogram (3 significant digits). */
export class Latency {
  readonly #histogram: Histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
  });

  /** Records one round trip that started at `sentAt` (`performance.now()`). */
  record(sentAt: number, now: number): void {
    this.#histogram.recordValue(Math.max(1, Math.round((now - sentAt) * 1000)));
  }

  summary(): LatencySummary {
    const h = this.#histogram;
    const ms = (us: number) => us / 1000;
    return {
      count: h.totalCount,
      p50Ms: ms(h.getValueAtPercentile(50)),
      p99Ms: ms(h.getValueAtPercentile(99)),
      p999Ms: ms(h.getValueAtPercentile(99.9)),
      maxMs: ms(h.maxValue),
    };
  }

  reset(): void {
    this.#histogram.reset();
  }
}
