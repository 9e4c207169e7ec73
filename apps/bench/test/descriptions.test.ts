// The runner reads a case's description when the case starts (before any sample) and again after
// its rounds: a description that describes the run's own figures must read fine with none yet.
// (One that took the median of no samples threw and ended a 20-minute full run.)
import { describe, expect, it } from 'vitest';
import { suites } from '../src/suites/index.js';

describe('case descriptions', () => {
  it('every case of every suite reads its description before it sampled anything', () => {
    let read = 0;
    for (const suite of suites) {
      for (const c of suite.cases) {
        expect(() => c.description, `${suite.name} / ${c.name}`).not.toThrow();
        expect(['string', 'undefined']).toContain(typeof c.description);
        read++;
      }
    }
    expect(read).toBeGreaterThan(50);
  });
});
