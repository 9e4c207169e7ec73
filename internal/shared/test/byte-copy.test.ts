// copyBytesAt() and copyRangeAt() against the plainest copy there is: every length 0..100 (byte
// loop, each word block and its tails, set()), at every destination offset 0..7 from a whole
// Uint8Array at source offsets 0..3 of its memory, and from a range of a longer one (from 0..5,
// bytes on both sides, or the whole of it), into a SharedArrayBuffer. The copied bytes must be the
// source's and no other byte may change.
import { describe, expect, it } from 'vitest';
import { copyBytesAt, copyRangeAt, dataViewOf, readWordLE } from '../src/index.js';

describe('copyBytesAt', () => {
  it('copies every length 0..100 at any destination and source offset, and writes nothing else', () => {
    const region = new Uint8Array(new SharedArrayBuffer(256), 16, 200); // a view that does not start at 0
    const view = dataViewOf(region);
    for (let length = 0; length <= 100; length++) {
      for (let sourceOffset = 0; sourceOffset < 4; sourceOffset++) {
        const backing = Uint8Array.from({ length: sourceOffset + length + 3 }, (_, i) => (i * 37 + length) & 0xff);
        const source = backing.subarray(sourceOffset, sourceOffset + length);
        for (let at = 0; at < 8; at++) {
          region.fill(0xa5);
          copyBytesAt(view, region, at, source);
          const expected = new Uint8Array(region.length).fill(0xa5);
          expected.set(source, at);
          expect(
            Buffer.from(region).equals(Buffer.from(expected)),
            `length ${length}, at ${at}, source +${sourceOffset}`,
          ).toBe(true);
        }
      }
    }
  });

  it('copyRangeAt() copies a range of a longer source (from 0..5, length 0..100) or all of one, and nothing else', () => {
    const region = new Uint8Array(new SharedArrayBuffer(256), 8, 200);
    const view = dataViewOf(region);
    const longer = Uint8Array.from({ length: 112 }, (_, i) => (i * 29 + 11) & 0xff);
    for (let length = 0; length <= 100; length++) {
      const whole = longer.subarray(3, 3 + length); // the range is all of it: copyBytesAt()'s words
      const cases: [Uint8Array, number][] = [[whole, 0]];
      for (let from = 0; from <= 5; from++) cases.push([longer, from]);
      for (const [source, from] of cases) {
        for (const at of [0, 1, 3, 6]) {
          region.fill(0x5a);
          copyRangeAt(view, region, at, source, from, length);
          const expected = new Uint8Array(region.length).fill(0x5a);
          expected.set(source.subarray(from, from + length), at);
          expect(
            Buffer.from(region).equals(Buffer.from(expected)),
            `length ${length}, from ${from} of ${source.length}, at ${at}`,
          ).toBe(true);
        }
      }
    }
  });

  it('dataViewOf() views exactly the bytes of its Uint8Array', () => {
    const bytes = new Uint8Array(new ArrayBuffer(32), 8, 12);
    const view = dataViewOf(bytes);
    expect([view.byteOffset, view.byteLength]).toEqual([8, 12]);
    view.setUint8(0, 7);
    expect(bytes[0]).toBe(7);
  });

  it('readWordLE() reads four bytes little-endian, as int32 bits', () => {
    expect(readWordLE(Uint8Array.of(9, 0x78, 0x56, 0x34, 0x12), 1)).toBe(0x12345678);
    expect(readWordLE(Uint8Array.of(0xff, 0xff, 0xff, 0xff), 0)).toBe(-1);
  });
});
