// Races forced step by step in one thread: two map or domain objects stand for two threads, and
// a hook runs the second thread's steps exactly inside the window of the first one.
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_VALUE_BYTES, SharedMap } from '../src/shared-map.js';
import { Table } from '../src/table.js';

const originalLink = Table.prototype.link;

afterEach(() => {
  Table.prototype.link = originalLink;
});

/** A value of `length` bytes, every byte `fill`. */
const filled = (length: number, fill: number) => new Uint8Array(length).fill(fill);

describe('forced interleavings', () => {
  it('an inserted value block that another thread replaced right after the link is not freed by the inserter', () => {
    const map = SharedMap.create({ capacity: 2, arenaBytes: 16 << 20, threads: 4 });
    const other = SharedMap.attach(map.handle);
    // A value this large does not fit inside its node's block: it gets a block of its own.
    const big = filled(MAX_VALUE_BYTES, 1);
    let armed = true;
    Table.prototype.link = function (this: Table, prev: number, cur: number, node: number): boolean {
      const linked = originalLink.call(this, prev, cur, node);
      if (linked && armed) {
        armed = false;
        // Thread B, right after A's link CAS: replaces the value (B retires A's value block).
        other.set('k', filled(8, 2));
      }
      return linked;
    };
    map.set('k', big);
    Table.prototype.link = originalLink;
    expect(armed).toBe(false);
    // B's retirement of A's block becomes safe and B frees it.
    for (let i = 0; i < 4; i++) other.collect();
    // Two new big values: were A's block freed twice, both would get it.
    map.set('a', filled(MAX_VALUE_BYTES, 3));
    other.set('b', filled(MAX_VALUE_BYTES, 4));
    expect(map.get('k')).toEqual(filled(8, 2));
    expect(map.get('a')?.every((b) => b === 3)).toBe(true);
    expect(map.get('b')?.every((b) => b === 4)).toBe(true);
    other.close();
    map.close();
  });
});
