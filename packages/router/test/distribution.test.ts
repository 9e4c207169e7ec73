// Distribution: partition counts over 1e6 keys (ids, names and 16-byte binary keys) against a
// uniform spread. The keys are deterministic, so each bound holds or fails on every run.
import { afterEach, describe, expect, it } from 'vitest';
import { jumpPartition, partition, rendezvous } from '../src/index.js';
import { chiSquare, chiSquareBound, mixedKeys } from './helpers/keys.js';
import { yieldToEventLoop } from './helpers/yield.js';

afterEach(yieldToEventLoop);

const KEYS = mixedKeys(1_000_000);

function failures(spread: (key: string | number | Uint8Array, n: number) => number, ns: number[], keys = KEYS) {
  const out: string[] = [];
  for (const n of ns) {
    const counts = new Float64Array(n);
    for (const key of keys) {
      const p = spread(key, n);
      counts[p] = (counts[p] as number) + 1;
    }
    const chi = chiSquare(counts, keys.length);
    const bound = chiSquareBound(n - 1);
    if (!(chi < bound)) out.push(`n=${n}: chi2=${chi.toFixed(1)} > ${bound.toFixed(1)}`);
  }
  return out;
}

const EVERY_N = Array.from({ length: 63 }, (_, i) => i + 2);

describe('keys spread uniformly (chi-square, p ~ 1e-6)', () => {
  it.each(EVERY_N)('partition() over 1e6 keys, n = %i', (n) => {
    expect(failures(partition, [n])).toEqual([]);
  });

  it.each(EVERY_N)('jumpPartition() over 2.5e5 keys, n = %i', (n) => {
    expect(failures(jumpPartition, [n], KEYS.slice(0, 250_000))).toEqual([]);
  });

  it('rendezvous over 1e5 keys, for n in 2, 3, 5, 8, 13, 32, 64', () => {
    const keys = KEYS.slice(0, 100_000);
    const ns = [2, 3, 5, 8, 13, 32, 64];
    const pickers = new Map(ns.map((n) => [n, rendezvous(Array.from({ length: n }, (_, i) => `core-${i}`))]));
    expect(failures((key, n) => pickers.get(n)?.pick(key) ?? -1, ns, keys)).toEqual([]);
  });

  it('the bound catches a skewed spread (the test can fail)', () => {
    expect(failures((key, n) => (partition(key, 4 * n) >= 2 * n ? 0 : partition(key, n)), [8])).toHaveLength(1);
  });
});
