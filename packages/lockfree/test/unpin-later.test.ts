// unpinLater(): a map operation leaves its thread's slot pinned until the task ends (or the
// next operation, which stores nothing unless the epoch moved). That slot must hold back no
// more than one advance, be released by the end of the task, follow the epoch at the next
// operation, and never let a block be freed under a reader: the reads below are verified.
import { describe, expect, it } from 'vitest';
import { EpochDomain, SharedMap } from '../src/index.js';
import { makeValue, verify } from './workers/values.mjs';

const endOfTask = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('unpinLater', () => {
  it('holds back at most one advance, and none after the task ends', async () => {
    const a = EpochDomain.create({ slots: 4 });
    const b = EpochDomain.attach(a.buffer);
    const e0 = a.epoch;
    a.pin();
    a.unpinLater();
    expect(a.pinned).toBe(false); // for the caller, the pin is over
    expect(b.tryAdvance()).toBe(e0 + 2); // a's slot says e0, the epoch: one step is allowed
    expect(b.tryAdvance()).toBe(e0 + 2); // a still says e0: no second step in this task
    await endOfTask();
    expect(b.tryAdvance()).toBe(e0 + 4); // released at the end of the task
    // A pin after unpinLater in the same task follows the epoch (stores the new one).
    a.pin();
    a.unpinLater();
    expect(b.tryAdvance()).toBe(e0 + 6);
    a.pin(); // held at e0 + 4, the epoch is e0 + 6: pinning stores e0 + 6
    a.unpinLater();
    expect(b.tryAdvance()).toBe(e0 + 8);
    // unpin() releases at once; so does the holder's own collect().
    a.pin();
    a.unpin();
    expect(b.tryAdvance()).toBe(e0 + 10);
    expect(b.tryAdvance()).toBe(e0 + 12);
    a.pin();
    a.unpinLater();
    a.collect(); // releases first, then advances itself
    const afterCollect = a.epoch;
    expect(b.tryAdvance()).toBe(afterCollect + 2);
    // A pin taken again before the task ended is not ended by the release at its end.
    a.pin();
    a.unpinLater();
    a.pin();
    await endOfTask();
    const pinnedAt = a.epoch;
    expect(b.tryAdvance()).toBe(pinnedAt + 2);
    expect(b.tryAdvance()).toBe(pinnedAt + 2); // still pinned: no second step
    a.unpin();
    expect(b.tryAdvance()).toBe(pinnedAt + 4);
    expect(() => a.unpinLater()).toThrow(expect.objectContaining({ code: 'ERR_CORELANE_INVALID_STATE' }));
    a.close();
    b.close();
  });

  it('a map thread between two operations never has a block freed under its next read', async () => {
    const map = SharedMap.create({ capacity: 64, arenaBytes: 1 << 20 });
    const other = SharedMap.attach(map.handle);
    for (let round = 1; round <= 2000; round++) {
      const key = `k${round % 16}`;
      // `map` reads (slot held after the read), `other` replaces the value and collects, again
      // and again: the block `map` read last may be retired, but not freed before the epoch
      // passed `map`'s slot twice, and `map` re-pins at its next read.
      const seen = map.get(key);
      if (seen !== undefined) expect(verify(seen, round % 16)).toBeNull();
      other.set(key, makeValue(round % 16, 1, round, round % 40));
      other.collect();
      const again = map.get(key) as Uint8Array;
      expect(verify(again, round % 16)).toBeNull();
      if (round % 100 === 0) await endOfTask();
    }
    other.close();
    map.close();
  });
});
