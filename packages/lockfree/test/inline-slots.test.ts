// The two inline value slots of a node (layout version 2, src/inline-slots.ts): small values
// set again stay in the node, values cross the slots' size both ways, compareAndSet compares
// with the current slot (never the stale bytes left in the other), and a slot a reader still
// holds is not rewritten.
import { describe, expect, it } from 'vitest';
import { SharedMap } from '../src/index.js';
import { makeValue, stamp, verify } from './workers/values.mjs';

/** A value of exactly `length` bytes (>= 16: self-checking) for key `keyId`. */
const sized = (keyId: number, seq: number, length: number) => makeValue(keyId, 0, seq, length - 16);

/** The epoch moves twice, so that every stamped slot of this thread is reusable. */
function settle(map: SharedMap): void {
  map.collect();
  map.collect();
}

describe('inline value slots', () => {
  it('a small value set again and again stays in its node (no allocation) and reads back each time', () => {
    const map = SharedMap.create({ capacity: 16, arenaBytes: 1 << 20 });
    map.set('k', sized(1, 1, 32));
    settle(map);
    const reserved = map.memory().reservedBytes;
    for (let seq = 2; seq < 200; seq++) {
      map.set('k', sized(1, seq, 16 + (seq % 17))); // 16..32 bytes: within the 32-byte slots
      const got = map.get('k') as Uint8Array;
      expect(verify(got, 1)).toBeNull();
      expect(stamp(got).seq).toBe(seq);
      settle(map);
    }
    expect(map.memory().reservedBytes).toBe(reserved);
    // Without the epoch moving, the slot just replaced is not reusable yet: the value goes out of line.
    map.set('k', sized(1, 200, 16));
    map.set('k', sized(1, 201, 16));
    expect(map.memory().reservedBytes).toBeGreaterThan(reserved);
    expect(stamp(map.get('k') as Uint8Array).seq).toBe(201);
    map.close();
  });

  it.each([
    ['inserted at 16 bytes (two 16-byte slots)', 16, [17, 16, 64, 8, 100, 0, 16, 65, 12, 16]],
    ['inserted at 64 bytes (two 64-byte slots)', 64, [65, 64, 1, 1000, 63, 64, 0, 65, 64]],
    ['inserted at 65 bytes (one slot, never reused)', 65, [8, 65, 0, 66, 16, 65]],
    ['inserted empty (two 8-byte slots)', 0, [8, 9, 0, 8, 7, 9, 0]],
  ])('values crossing the inline size both ways read back exactly: %s', (_, first, lengths) => {
    const map = SharedMap.create({ capacity: 16, arenaBytes: 1 << 20 });
    const bytesOf = (seq: number, length: number) => Uint8Array.from({ length }, (_v, j) => (seq * 31 + j * 7) & 0xff);
    let expected = bytesOf(0, first);
    map.set('k', expected);
    map.set('other', bytesOf(99, 10));
    lengths.forEach((length, i) => {
      const seq = i + 1;
      const next = bytesOf(seq, length);
      map.set('k', next);
      expected = next;
      expect(map.get('k')).toEqual(expected);
      expect(map.withValue('k', (view) => Uint8Array.from(view))).toEqual(expected);
      expect(new Map([...map.entries()].map(([k, v]) => [k, v])).get('k')).toEqual(expected);
      if (seq % 2 === 0) settle(map); // both cases: the other slot reusable, and not yet
    });
    expect(map.get('other')).toEqual(bytesOf(99, 10));
    expect(map.size).toBe(2);
    map.close();
  });

  it('compareAndSet on inline values compares with the current slot, not the bytes left in the other', () => {
    const map = SharedMap.create({ capacity: 16, arenaBytes: 1 << 20 });
    const v = (seq: number, length = 24) => sized(7, seq, length);
    map.set('c', v(1));
    map.set('c', v(2)); // slot B now; slot A still holds v(1)'s bytes
    expect(map.compareAndSet('c', v(1), v(3))).toBe(false);
    expect(stamp(map.get('c') as Uint8Array).seq).toBe(2);
    expect(map.compareAndSet('c', v(2), v(3))).toBe(true);
    settle(map);
    expect(map.compareAndSet('c', v(2), v(4))).toBe(false); // v(2) is the other slot's leftover now
    expect(map.compareAndSet('c', v(3), v(4))).toBe(true); // into a reused slot
    expect(map.compareAndSet('c', v(4), v(5, 200))).toBe(true); // out of line
    expect(map.compareAndSet('c', v(4), v(6))).toBe(false);
    expect(map.compareAndSet('c', v(5, 200), v(6))).toBe(true); // back inline
    expect(map.compareAndSet('c', undefined, v(7))).toBe(false);
    expect(map.compareAndSet('c', v(6), undefined)).toBe(true); // a delete from an inline slot
    expect(map.has('c')).toBe(false);
    expect(map.compareAndSet('c', undefined, v(8))).toBe(true);
    expect(stamp(map.get('c') as Uint8Array).seq).toBe(8);
    // addNumber: the CAS loop of an 8-byte value in 8-byte slots.
    for (let i = 0; i < 300; i++) {
      map.addNumber('n', 1);
      if (i % 3 === 0) settle(map);
    }
    expect(map.getNumber('n')).toBe(300);
    map.close();
  });

  it('a value held in place is never rewritten, however many sets another map object makes, until the holder unpins', () => {
    const map = SharedMap.create({ capacity: 16, arenaBytes: 1 << 20, threads: 4 });
    const other = SharedMap.attach(map.handle); // another thread's side: its own epoch slot
    map.set('h', sized(3, 1, 24));
    other.set('h', sized(3, 2, 24)); // slot B
    settle(other);
    const held = map.withValue('h', (view) => {
      const copy = Uint8Array.from(view);
      for (let seq = 3; seq < 300; seq++) {
        other.set('h', sized(3, seq, 16 + (seq % 9)));
        settle(other); // the epoch moves at most once past the holder: the held slot stays stamped too recently
        expect(Uint8Array.from(view)).toEqual(copy);
      }
      return copy;
    }) as Uint8Array;
    expect(stamp(held).seq).toBe(2);
    expect(stamp(map.get('h') as Uint8Array).seq).toBe(299);
    other.close();
    map.close();
  });
});
