import { describe, expect, it } from 'vitest';
import { mean, median, percentile, stddev, summarize } from '../src/harness/stats.js';

describe('stats', () => {
  it('takes the middle sample, or the mean of the two middle ones', () => {
    expect(median([5])).toBe(5);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([10, 1, 1000, 2, 3])).toBe(3);
  });

  it('does not reorder its input', () => {
    const samples = [3, 1, 2];
    median(samples);
    expect(samples).toEqual([3, 1, 2]);
  });

  it('interpolates percentiles between closest ranks (R-7)', () => {
    const s = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(s, 0)).toBe(1);
    expect(percentile(s, 100)).toBe(10);
    expect(percentile(s, 50)).toBe(5.5);
    expect(percentile(s, 90)).toBeCloseTo(9.1, 12);
    expect(percentile(s, 99)).toBeCloseTo(9.91, 12);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 25)).toBe(3.5);
    expect(percentile([42], 99)).toBe(42);
  });

  it('computes mean and sample standard deviation', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(stddev([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(2.138089935, 8);
    expect(stddev([7])).toBe(0);
  });

  it('summarizes one side', () => {
    expect(summarize([4, 1, 3, 2, 5])).toEqual({
      n: 5,
      median: 3,
      mean: 3,
      min: 1,
      max: 5,
      p99: percentile([1, 2, 3, 4, 5], 99),
      stddev: stddev([1, 2, 3, 4, 5]),
      cv: stddev([1, 2, 3, 4, 5]) / 3,
    });
  });

  it('rejects no samples, non-finite samples and percentiles outside 0..100', () => {
    expect(() => median([])).toThrow(RangeError);
    expect(() => median([1, Number.NaN])).toThrow(RangeError);
    expect(() => median([1, Number.POSITIVE_INFINITY])).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], -1)).toThrow(RangeError);
  });
});
