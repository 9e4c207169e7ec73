// The free lists' tag against ABA, with the interleaving forced step by step in one thread:
// thread A reads the head (X, whose link is Y); thread B pops X, pops Y, pushes X back; A's CAS
// with what it read must fail, or Y, now B's, would be handed out again.
import { describe, expect, it } from 'vitest';
import { Arena } from '../src/arena.js';
import { MapWord64 } from '../src/layout.js';
import { SharedMap } from '../src/shared-map.js';
import { CLASS_BYTES, CLASS_COUNT, classOf, MAX_BLOCK_BYTES } from '../src/size-classes.js';
import { offsetOf, retag } from '../src/tagged.js';
import { LINK, pop, push } from '../src/treiber.js';

describe('tagged free list', () => {
  it('a CAS with a head read before pop, pop, push of the same block fails (ABA)', () => {
    const map = SharedMap.create({ capacity: 2, arenaBytes: 1 << 20, threads: 2 });
    const arena = new Arena(map.handle.map);
    const list = MapWord64.FREE_HEADS + 0;
    const x = arena.bump(16);
    const y = arena.bump(16);
    arena.words[x >> 2] = 0;
    arena.words[y >> 2] = 0;
    push(arena, list, y);
    push(arena, list, x); // the list: X → Y
    // Thread A, first half of a pop: the head and its link.
    const seen = Atomics.load(arena.words64, list);
    expect(offsetOf(seen)).toBe(x);
    const seenNext = Atomics.load(arena.words, (x + LINK) >> 2);
    expect(seenNext).toBe(y);
    // Thread B: pop X, pop Y (B owns Y now), push X back.
    expect(pop(arena, list)).toBe(x);
    expect(pop(arena, list)).toBe(y);
    push(arena, list, x);
    expect(offsetOf(Atomics.load(arena.words64, list))).toBe(x); // the same offset is the head again
    // Thread A, second half: its CAS must fail although the offset matches.
    expect(Atomics.compareExchange(arena.words64, list, seen, retag(seen, seenNext))).not.toBe(seen);
    expect(pop(arena, list)).toBe(x);
    expect(pop(arena, list)).toBe(0); // Y was never handed out twice
    map.close();
  });

  it('the tag wraps around without touching the offset', () => {
    const word = retag(BigInt.asIntN(64, 0xffff_ffff_0000_0010n), 0x20);
    expect(offsetOf(word)).toBe(0x20);
    expect(word >> 32n).toBe(0n);
  });
});

describe('size classes', () => {
  it('every size from 1 to MAX_BLOCK_BYTES gets the smallest class that holds it, at most 25% larger past 128', () => {
    expect(CLASS_BYTES[CLASS_COUNT - 1]).toBe(MAX_BLOCK_BYTES);
    for (let bytes = 1; bytes <= MAX_BLOCK_BYTES; bytes++) {
      const cls = classOf(bytes);
      const size = CLASS_BYTES[cls] as number;
      if (size < bytes || (cls > 0 && (CLASS_BYTES[cls - 1] as number) >= bytes)) {
        throw new Error(`${bytes} bytes got class ${cls} (${size} bytes)`);
      }
      if (bytes > 128 && size > bytes * 1.25) throw new Error(`${bytes} bytes got ${size}`);
      if (size % 16 !== 0) throw new Error(`class ${cls} is ${size} bytes, not a multiple of 16`);
    }
  });
});
