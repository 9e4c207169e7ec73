// A thread follows an offset read from shared memory only when its views hold the whole block
// (arena.ts: `safeEnd`), and refreshes them otherwise. The buffer grows a largest block past the
// bump pointer, so after one refresh every block handed out so far is inside the views: a small
// map is not refreshed on every access. Before the fix a map whose buffer was under 1 MiB (any
// map of a few thousand small entries) refreshed its views on nearly every get and set, each
// refresh reading the growable buffer's length.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Arena } from '../src/arena.js';
import { SharedMap } from '../src/index.js';
import { ARENA_START } from '../src/layout.js';
import { MAX_BLOCK_BYTES } from '../src/size-classes.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('arena views', () => {
  it('the buffer stays a largest block ahead of the bump pointer (or at its limit)', () => {
    for (const arenaBytes of [256 * 1024, 64 << 20]) {
      const map = SharedMap.create({ capacity: 16, arenaBytes });
      try {
        for (let i = 0; i < 500; i++) map.set(`key:${i}`, new Uint8Array(8 + (i % 100)));
        const { reservedBytes, bufferBytes, limitBytes } = map.memory();
        expect(bufferBytes).toBeGreaterThanOrEqual(Math.min(limitBytes, ARENA_START + reservedBytes + MAX_BLOCK_BYTES));
        expect(bufferBytes).toBeLessThanOrEqual(limitBytes);
      } finally {
        map.close();
      }
    }
  });

  it('gets of a small map, in another map object, do not refresh the views', () => {
    const map = SharedMap.create({ capacity: 64 });
    const other = SharedMap.attach(map.handle);
    try {
      for (let i = 0; i < 200; i++) map.set(`key:${i}`, Uint8Array.of(i, i >> 8));
      other.get('key:0'); // one refresh at most: the buffer grew after `other` made its views
      const refresh = vi.spyOn(Arena.prototype, 'refresh');
      let hits = 0;
      for (let round = 0; round < 5; round++) {
        for (let i = 0; i < 200; i++) {
          const value = other.get(`key:${i}`);
          if (value !== undefined && value[0] === (i & 0xff) && value[1] === i >> 8) hits++;
        }
      }
      expect(hits).toBe(1000);
      expect(refresh).not.toHaveBeenCalled();
    } finally {
      other.close();
      map.close();
    }
  });
});
