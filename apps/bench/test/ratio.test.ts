import { describe, expect, it } from 'vitest';
import { formatRatio, formatValue } from '../src/harness/format.js';
import { isClear, ratioOf, reading, speedup } from '../src/harness/ratio.js';

describe('ratio = value / peerValue', () => {
  it('is ours divided by the peer, whatever the metric', () => {
    expect(ratioOf(200, 100)).toBe(2);
    expect(ratioOf(25, 100)).toBe(0.25);
  });

  it('reads a throughput (higher is better): ratio > 1 is faster', () => {
    expect(speedup(2, true)).toBe(2);
    expect(reading(2, true)).toBe('2.00x faster');
    expect(reading(0.5, true)).toBe('2.00x slower');
  });

  it('reads a cost (lower is better): ratio < 1 is faster', () => {
    expect(speedup(0.25, false)).toBe(4);
    expect(reading(0.25, false)).toBe('4.00x faster');
    expect(reading(3, false)).toBe('3.00x slower');
    expect(reading(0.0016, false)).toBe('625x faster');
  });

  it('calls a ratio within 0.5 % of 1 the same', () => {
    expect(reading(1, true)).toBe('same');
    expect(reading(1.004, false)).toBe('same');
    expect(reading(1.01, true)).toBe('1.01x faster');
  });

  it("says 'no clear difference' when more than a fifth of the rounds disagree with the median on the side", () => {
    expect(isClear([1.3, 0.9, 1.1])).toBe(false); // 3 rounds (--quick): one against is too many
    expect(isClear([1.3, 1.2, 1.1])).toBe(true);
    expect(isClear([0.7, 0.8, 1])).toBe(true); // a tie in one round is no disagreement
    expect(isClear([0.5, 0.6, 5.2, 0.4, 0.5])).toBe(true); // one outlier of 5 is tolerated
    expect(isClear([0.5, 0.6, 5.2, 1.4, 0.5])).toBe(false); // two of 5 are not
    expect(isClear([0.52, 0.55, 0.47, 0.48, 1.16, 0.57, 0.39])).toBe(true); // one of 7
    expect(reading(1.1, true, [1.3, 0.9, 1.1])).toBe('no clear difference');
    expect(reading(1.1, true, [1.3, 1.2, 1.1])).toBe('1.10x faster');
    expect(reading(1.002, true, [1.3, 0.9, 1.002])).toBe('same');
  });

  it('refuses a ratio of anything but two positive finite values', () => {
    for (const [a, b] of [
      [0, 1],
      [1, 0],
      [-1, 1],
      [Number.NaN, 1],
      [1, Number.POSITIVE_INFINITY],
    ] as const) {
      expect(() => ratioOf(a, b)).toThrow(RangeError);
    }
  });
});

describe('formatting', () => {
  it('prints ns costs in the largest fitting time unit', () => {
    expect(formatValue(812, 'ns/op')).toBe('812 ns/op');
    expect(formatValue(4311.4, 'ns/op')).toBe('4.31 µs/op');
    expect(formatValue(2_687_579, 'ns/op')).toBe('2.69 ms/op');
    expect(formatValue(1.5e9, 'ns')).toBe('1.50 s');
    expect(formatValue(0.5, 'ns/op')).toBe('0.500 ns/op');
  });

  it('prints rates with k / M / G', () => {
    expect(formatValue(61_234, 'msgs/s')).toBe('61.2 k msgs/s');
    expect(formatValue(45_000_000, 'msgs/s')).toBe('45.0 M msgs/s');
    expect(formatValue(999, 'msgs/s')).toBe('999 msgs/s');
  });

  it('prints other units as plain numbers, and no value as a dash', () => {
    expect(formatValue(12.345, 'IOPS per core')).toBe('12.3 IOPS per core');
    expect(formatValue(null, 'ns/op')).toBe('–');
    expect(formatRatio(0.0016042)).toBe('0.00160');
    expect(formatRatio(null)).toBe('–');
  });
});
