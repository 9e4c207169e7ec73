// A get reads BUCKETS_LOG2 with a plain load (table.ts, lookupKey): a thread may see a stale,
// smaller bucket count while another doubles it. The proof obligation is that a smaller count
// names an ancestor bucket whose dummy comes before every node of the key's own bucket, so the
// search from it finds every entry. Here the word is set back by hand, as a stale read would
// see it, and every key must still be found with its own value (and an absent key not found).
import { describe, expect, it } from 'vitest';
import { SharedMap } from '../src/index.js';
import { MapWord } from '../src/layout.js';

describe('a stale bucket count', () => {
  it('finds every entry from the ancestor bucket it names', () => {
    const map = SharedMap.create({ capacity: 2, threads: 2 });
    const reader = SharedMap.attach(map.handle);
    try {
      const count = 2000;
      for (let i = 0; i < count; i++) map.set(`key:${i}`, Uint8Array.of(i & 0xff, i >> 8));
      const words = new Int32Array(map.handle.map, 0, 512);
      const grown = Atomics.load(words, MapWord.BUCKETS_LOG2);
      expect(grown).toBeGreaterThan(3); // the table doubled several times past segment 0's 2 buckets
      for (const stale of [1, 2, grown - 1]) {
        Atomics.store(words, MapWord.BUCKETS_LOG2, stale);
        let found = 0;
        for (let i = 0; i < count; i++) {
          const value = reader.get(`key:${i}`);
          if (value !== undefined && value[0] === (i & 0xff) && value[1] === i >> 8) found++;
        }
        expect(found).toBe(count);
        expect(reader.get(`key:${count}`)).toBeUndefined();
        expect(reader.has('key:0')).toBe(true);
      }
      Atomics.store(words, MapWord.BUCKETS_LOG2, grown);
    } finally {
      reader.close();
      map.close();
    }
  });
});
