// What happens to keys when the number of partitions changes.
import { afterEach, describe, expect, it } from 'vitest';
import { fxhash64, jumpHash, jumpPartition, partition, rendezvous } from '../src/index.js';
import { mixedKeys } from './helpers/keys.js';
import { yieldToEventLoop } from './helpers/yield.js';

afterEach(yieldToEventLoop);

const KEYS = mixedKeys(100_000, 7);

/** Six standard deviations of a binomial share: the bound a correct spread never crosses here. */
function slack(share: number, count: number): number {
  return 6 * Math.sqrt((share * (1 - share)) / count);
}

describe('growing n to n + 1', () => {
  it.each([1, 2, 3, 7, 15, 31, 63])('jumpHash moves about 1/(n+1) of the keys, all to the new bucket (n = %i)', (n) => {
    let moved = 0;
    for (const key of KEYS) {
      const before = jumpPartition(key, n);
      const after = jumpPartition(key, n + 1);
      if (before !== after) {
        moved++;
        expect(after).toBe(n);
      }
    }
    const share = 1 / (n + 1);
    expect(Math.abs(moved / KEYS.length - share)).toBeLessThan(slack(share, KEYS.length));
  });

  it('jumpHash over growing n never moves a key between two old buckets', () => {
    const hashes = KEYS.slice(0, 5_000).map((key) => fxhash64(key));
    for (const hash of hashes) {
      let previous = jumpHash(hash, 1);
      for (let n = 2; n <= 100; n++) {
        const now = jumpHash(hash, n);
        if (now !== previous) expect(now).toBe(n - 1);
        previous = now;
      }
    }
  });

  it.each([2, 3, 7, 15, 63])('partition (modulo) moves about n/(n+1) of the keys (n = %i)', (n) => {
    let moved = 0;
    for (const key of KEYS) if (partition(key, n) !== partition(key, n + 1)) moved++;
    // A key stays only when h mod n = h mod (n+1): 1 in n+1 keys for uniform hashes.
    const share = n / (n + 1);
    expect(Math.abs(moved / KEYS.length - share)).toBeLessThan(slack(share, KEYS.length));
    expect(moved / KEYS.length).toBeGreaterThan(0.5);
  });
});

describe('rendezvous: only the keys a change concerns move', () => {
  const cores = Array.from({ length: 8 }, (_, i) => `core-${i}`);
  const keys = KEYS.slice(0, 30_000);

  it('adding a target moves about 1/(n+1) of the keys, all to the new target', () => {
    const before = rendezvous(cores);
    const after = rendezvous([...cores, 'core-8']);
    let moved = 0;
    for (const key of keys) {
      const was = before.owner(key);
      const is = after.owner(key);
      if (was !== is) {
        moved++;
        expect(is).toBe('core-8');
      }
    }
    expect(Math.abs(moved / keys.length - 1 / 9)).toBeLessThan(slack(1 / 9, keys.length));
  });

  it('removing any target moves exactly the keys it owned, spread over the others', () => {
    const full = rendezvous(cores);
    const without = rendezvous(cores.filter((c) => c !== 'core-3'));
    const landed = new Map<string, number>();
    let owned = 0;
    for (const key of keys) {
      const was = full.owner(key);
      const is = without.owner(key);
      if (was === 'core-3') {
        owned++;
        landed.set(is, (landed.get(is) ?? 0) + 1);
      } else {
        expect(is).toBe(was);
      }
    }
    expect(Math.abs(owned / keys.length - 1 / 8)).toBeLessThan(slack(1 / 8, keys.length));
    expect(landed.size).toBe(7);
  });

  it('the order of the targets does not change owners', () => {
    const a = rendezvous(cores);
    const b = rendezvous([...cores].reverse());
    for (const key of keys.slice(0, 2_000)) expect(a.owner(key)).toBe(b.owner(key));
  });
});
