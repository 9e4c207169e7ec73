// Races forced step by step in one thread: two map or domain objects stand for two threads, and
// a hook runs the second thread's steps exactly inside the window of the first one.
import { afterEach, describe, expect, it } from 'vitest';
import { Arena } from '../src/arena.js';
import { EpochDomain } from '../src/epoch-domain.js';
import { SLOT_BYTES, SLOTS_START, SlotWord } from '../src/epoch-layout.js';
import { ErrorCode } from '../src/index.js';
import { MAX_VALUE_BYTES, SharedMap } from '../src/shared-map.js';
import { Table } from '../src/table.js';

const originalLink = Table.prototype.link;
const originalCounted = Table.prototype.counted;
const originalAlloc = Arena.prototype.alloc;
const originalLoad = Atomics.load;

afterEach(() => {
  Table.prototype.link = originalLink;
  Table.prototype.counted = originalCounted;
  Arena.prototype.alloc = originalAlloc;
  Atomics.load = originalLoad;
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

  it('two releaseThread() calls for one dead thread never unpin the slot a new thread took meanwhile', () => {
    const a = EpochDomain.create({ slots: 4 }, { reclaim: () => {} });
    const b = EpochDomain.attach(a.buffer);
    const dead = EpochDomain.attach(a.buffer);
    const words = new Int32Array(a.buffer);
    // `dead` took slot 2 (a: 0, b: 1); it stands for a thread that died while pinned.
    const slot = (SLOTS_START + 2 * SLOT_BYTES) / 4;
    dead.pin();
    const deadThreadId = 1 << 30;
    words[slot + SlotWord.THREAD] = deadThreadId;
    let newcomer: EpochDomain | null = null;
    let pinnedAt = 0;
    Atomics.load = ((array: Int32Array, index: number) => {
      const seen = originalLoad(array, index);
      if (array.buffer === a.buffer && (index === slot + SlotWord.OWNER || index === slot + SlotWord.THREAD)) {
        // Thread A has made its first read of the dead slot (its owner or its thread) and is
        // about to release it. Thread B releases it first, and a new thread takes it and pins.
        Atomics.load = originalLoad;
        expect(b.releaseThread(deadThreadId)).toBe(1);
        newcomer = EpochDomain.attach(a.buffer);
        newcomer.pin();
        pinnedAt = newcomer.epoch;
      }
      return seen;
    }) as typeof Atomics.load;
    expect(a.releaseThread(deadThreadId)).toBe(0);
    Atomics.load = originalLoad;
    expect(newcomer).not.toBeNull();
    expect(Atomics.load(words, slot + SlotWord.EPOCH)).toBe(pinnedAt | 1);
    // The newcomer is pinned: the epoch moves at most one step past it.
    for (let i = 0; i < 6; i++) a.tryAdvance();
    expect(a.epoch - pinnedAt).toBeLessThanOrEqual(2);
    (newcomer as unknown as EpochDomain).unpin();
    (newcomer as unknown as EpochDomain).close();
    b.close();
    a.close();
  });

  it('close() inside withValue() leaves the pin, and so the view, alone', () => {
    const map = SharedMap.create({ capacity: 2, arenaBytes: 1 << 20, threads: 4 });
    const other = SharedMap.attach(map.handle);
    map.set('k', filled(64, 7));
    let inside: unknown = null;
    const seen = map.withValue('k', (view) => {
      try {
        map.close();
      } catch (error) {
        inside = error;
      }
      // Thread B replaces the value and collects: the old block must not be reused while the
      // view is in use.
      other.set('k', filled(64, 8));
      for (let i = 0; i < 4; i++) other.collect();
      other.set('x', filled(56, 9)); // the old block's class
      return view.slice();
    });
    expect(inside).toEqual(expect.objectContaining({ code: ErrorCode.INVALID_STATE }));
    expect(seen).toEqual(filled(64, 7));
    expect(map.closed).toBe(false);
    expect(map.get('k')).toEqual(filled(64, 8));
    map.close();
    expect(map.closed).toBe(true);
    other.close();
  });

  it.each([
    ['a new key', false],
    ['a replaced value', true],
  ])(
    '%s from a view over a growable buffer another thread grows meanwhile: only the bytes checked are written',
    (_, present) => {
      const map = SharedMap.create({ capacity: 2, arenaBytes: 1 << 20, threads: 2 });
      // The block the value will get: a node of the same size (a new key), or a value block of its
      // own (a replaced value: 'k' was inserted at 8 bytes, so its node's inline slots hold 8
      // and a 16-byte value goes out of line); then neighbours right after it in the arena; then
      // the block is freed into this thread's cache.
      map.set(present ? 'k' : 'v', filled(present ? 8 : 16, 1));
      if (present) map.set('k', filled(16, 1));
      for (let i = 0; i < 32; i++) map.set(`n${i}`, filled(16, 2));
      if (present) map.set('k', filled(16, 1));
      else map.delete('v');
      for (let i = 0; i < 4; i++) map.collect();
      const input = new SharedArrayBuffer(16, { maxByteLength: 1 << 16 });
      const view = new Uint8Array(input); // length-tracking: 16 bytes now
      view.fill(3);
      let armed = true;
      Arena.prototype.alloc = function (this: Arena, bytes: number, fresh?: boolean): number {
        const block = originalAlloc.call(this, bytes, fresh);
        if (armed) {
          armed = false;
          // Another thread, between the allocation for 16 bytes and the copy: the view grows.
          input.grow(1 << 16);
          view.fill(0xee);
        }
        return block;
      };
      map.set('k', view);
      Arena.prototype.alloc = originalAlloc;
      expect(armed).toBe(false);
      const got = map.get('k') as Uint8Array;
      expect(got.length === 16 || got.length === 1 << 16).toBe(true);
      for (let i = 0; i < 32; i++) expect(map.get(`n${i}`)).toEqual(filled(16, 2));
      expect([...map.keys()].length).toBe(33);
      map.close();
    },
  );

  it('size is never negative: a delete that overtakes the insert it undoes before the insert counted', () => {
    const map = SharedMap.create({ capacity: 2, arenaBytes: 1 << 20, threads: 4 });
    const other = SharedMap.attach(map.handle);
    const sizes: number[] = [];
    let armed = true;
    Table.prototype.counted = function (this: Table): void {
      if (armed) {
        armed = false;
        // Thread B, between A's link and A's count: deletes the key A just inserted.
        expect(other.delete('k')).toBe(true);
        sizes.push(other.size, map.size);
      }
      originalCounted.call(this);
    };
    map.set('k', filled(8, 1));
    Table.prototype.counted = originalCounted;
    sizes.push(map.size);
    expect(sizes).toEqual([0, 0, 0]);
    other.close();
    map.close();
  });
});
