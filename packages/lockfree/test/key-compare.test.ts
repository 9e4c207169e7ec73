// The list orders nodes of one split-order key by their key: kind, then length, then bytes.
// compareNode() compares four bytes at a time and the first differing word byte by byte; here
// it must agree in sign with the plain definition for any two keys, and be 0 only for equal ones.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyScratch } from '../src/key.js';

/** The order the list keeps, written plainly: kind, length, then the bytes. */
function reference(a: { kind: number; bytes: Uint8Array }, b: { kind: number; bytes: Uint8Array }): number {
  if (a.kind !== b.kind) return a.kind - b.kind;
  if (a.bytes.length !== b.bytes.length) return a.bytes.length - b.bytes.length;
  for (let i = 0; i < a.bytes.length; i++) {
    const d = (a.bytes[i] as number) - (b.bytes[i] as number);
    if (d !== 0) return d;
  }
  return 0;
}

const encoder = new TextEncoder();
const key = fc.oneof(
  fc.uint8Array({ maxLength: 40 }),
  fc.string({ maxLength: 30 }),
  // Near-equal pairs are the interesting ones: a shared prefix, then a difference in any byte.
  fc
    .tuple(fc.uint8Array({ minLength: 1, maxLength: 24 }), fc.nat(23), fc.integer({ min: 1, max: 255 }))
    .map(([bytes, at, delta]) => {
      const copy = bytes.slice();
      const i = at % copy.length;
      copy[i] = ((copy[i] as number) + delta) & 0xff;
      return copy;
    }),
);

describe('KeyScratch.compareNode', () => {
  it('agrees with kind-length-bytes order, for nodes at every 4-aligned offset', () => {
    const buffer = new SharedArrayBuffer(1024);
    const words = new Int32Array(buffer);
    const bytes = new Uint8Array(buffer);
    fc.assert(
      fc.property(key, key, fc.integer({ min: 0, max: 15 }), (a, b, slot) => {
        const node = 64 + slot * 4;
        bytes.fill(0xa5); // garbage past the key, as in a reused block
        const stored = new KeyScratch();
        stored.encode(a);
        stored.writeInto(words, bytes, node);
        const probe = new KeyScratch();
        probe.encode(b);
        const plain = (k: string | Uint8Array) => ({
          kind: typeof k === 'string' ? 1 : 0,
          bytes: typeof k === 'string' ? encoder.encode(k) : k,
        });
        const want = Math.sign(reference(plain(a), plain(b)));
        expect(Math.sign(probe.compareNode(words, bytes, node))).toBe(want);
      }),
      { numRuns: 2000 },
    );
  });
});
