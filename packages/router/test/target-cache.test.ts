// TargetCache: the targets of recent string keys. Against a model (a plain Map of what was set):
// a lookup answers the last target set for the key or -1, never another target; the cache stays
// bounded, starts over past its bound, and turns itself off for a while after a window of
// lookups that mostly missed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TargetCache } from '../src/index.js';

/** The bounds target-cache.ts documents. */
const MAX_KEYS = 16_384;
const WINDOW = 4096;
const BYPASS = 65_536;

describe('TargetCache', () => {
  it('answers the last target set for a key, or -1; never another one (model-based)', () => {
    const keyArb = fc.oneof(fc.constantFrom('user:1', 'order:48213', 'session:9f3a77c1', '', 'ü'), fc.string());
    const opArb = fc.oneof(
      fc.record({ op: fc.constant('get' as const), key: keyArb }),
      fc.record({ op: fc.constant('set' as const), key: keyArb, target: fc.nat({ max: 1000 }) }),
      fc.record({ op: fc.constant('clear' as const) }),
    );
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 300 }), (program) => {
        const cache = new TargetCache();
        const model = new Map<string, number>();
        for (const step of program) {
          if (step.op === 'set') {
            cache.set(step.key, step.target);
            model.set(step.key, step.target);
          } else if (step.op === 'clear') {
            cache.clear();
            model.clear();
            expect(cache.size).toBe(0);
          } else {
            const got = cache.get(step.key);
            // Fewer than WINDOW lookups here: the cache never turns itself off in this program.
            expect(got).toBe(model.get(step.key) ?? -1);
          }
          expect(cache.size).toBeLessThanOrEqual(MAX_KEYS);
        }
      }),
    );
  });

  it(`starts over past ${MAX_KEYS} keys: bounded, and the newest key is kept`, () => {
    const cache = new TargetCache();
    for (let i = 0; i < MAX_KEYS; i++) cache.set(`k${i}`, i & 7);
    expect(cache.size).toBe(MAX_KEYS);
    cache.set('one-more', 3);
    expect(cache.size).toBe(1);
    expect(cache.get('one-more')).toBe(3);
    expect(cache.get('k0')).toBe(-1);
  });

  it('a window of mostly misses turns it off for a while (answers -1, remembers nothing), then it starts over', () => {
    const cache = new TargetCache();
    cache.set('hot', 5);
    // One hit, then misses for the rest of the window: far less than half hit.
    expect(cache.get('hot')).toBe(5);
    for (let i = 1; i < WINDOW; i++) {
      expect(cache.get(`new-${i}`)).toBe(-1);
      cache.set(`new-${i}`, 1);
    }
    expect(cache.size).toBe(0); // the window's end forgot everything
    cache.set('hot', 5); // ignored while off
    for (let i = 0; i < BYPASS; i++) expect(cache.get('hot')).toBe(-1);
    expect(cache.size).toBe(0);
    // On again, empty.
    expect(cache.get('hot')).toBe(-1);
    cache.set('hot', 5);
    expect(cache.get('hot')).toBe(5);
  });

  it('a window that mostly hits keeps it on', () => {
    const cache = new TargetCache();
    cache.set('a', 1);
    cache.set('b', 2);
    for (let i = 0; i < 3 * WINDOW; i++) {
      // Three hits in four lookups.
      const key = i % 4 === 3 ? `miss-${i}` : i % 2 === 0 ? 'a' : 'b';
      const got = cache.get(key);
      if (key === 'a') expect(got).toBe(1);
      else if (key === 'b') expect(got).toBe(2);
      else expect(got).toBe(-1);
    }
    expect(cache.get('a')).toBe(1);
  });

  it('clear() forgets every key and turns it back on', () => {
    const cache = new TargetCache();
    for (let i = 0; i < WINDOW; i++) cache.get(`new-${i}`); // a window of misses: off
    cache.set('k', 1);
    expect(cache.get('k')).toBe(-1);
    cache.clear();
    cache.set('k', 1);
    expect(cache.get('k')).toBe(1);
  });
});
