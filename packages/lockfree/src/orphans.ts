// Garbage a thread handed over before it was safe to free (at close, or when it went idle):
// written into bag blocks on a tagged stack in the map's control area (ORPHANS), the global
// garbage queue of crossbeam-epoch, so that any thread frees it later.
//
// bag block:  +0 class u32 | +4 link i32 | +8 epoch i32 (newest retirement) | +12 count u32 | +16 values i32 × count
import type { Arena } from './arena.js';
import type { EpochDomain } from './epoch-domain.js';
import { MapWord64 } from './layout.js';
import { MAX_BLOCK_BYTES } from './size-classes.js';
import { offsetOf } from './tagged.js';
import { pop, push } from './treiber.js';

const BAG = { EPOCH: 8, COUNT: 12, VALUES: 16 } as const;
const PER_BAG = (MAX_BLOCK_BYTES - BAG.VALUES) / 4;

/**
 * Writes `values` (retired at `epoch` or before) into bags on the orphan stack; returns how many
 * it took, from the front (the rest found no room for a bag).
 */
export function orphan(arena: Arena, values: Int32Array, epoch: number): number {
  for (let from = 0; from < values.length; from += PER_BAG) {
    const chunk = values.subarray(from, Math.min(values.length, from + PER_BAG));
    const bag = arena.alloc(BAG.VALUES + chunk.length * 4);
    if (bag === 0) return from;
    const words = arena.words; // after alloc(), which refreshes the views as it needs
    words[(bag + BAG.EPOCH) >> 2] = epoch; // plain: published by push()'s SC CAS
    words[(bag + BAG.COUNT) >> 2] = chunk.length;
    words.set(chunk, (bag + BAG.VALUES) >> 2);
    push(arena, MapWord64.ORPHANS, bag);
  }
  return values.length;
}

/**
 * Frees the values of up to `max` orphan bags that are safe now; bags not yet safe go back on
 * the stack (a young bag on top does not hide older ones under it). Returns how many values it
 * freed. A thread that dies inside this call leaks the bags it held (at most `max`).
 */
export function adoptOrphans(arena: Arena, epochs: EpochDomain, max = 1): number {
  if (offsetOf(Atomics.load(arena.words64, MapWord64.ORPHANS)) === 0) return 0; // SC load: usually no bag
  let freed = 0;
  const young: number[] = [];
  for (let n = 0; n < max; n++) {
    const bag = pop(arena, MapWord64.ORPHANS); // refreshes the views to hold the bag
    if (bag === 0) break;
    if (!epochs.isSafe(arena.words[(bag + BAG.EPOCH) >> 2] as number)) {
      young.push(bag);
      continue;
    }
    const count = arena.words[(bag + BAG.COUNT) >> 2] as number;
    const first = (bag + BAG.VALUES) >> 2;
    // free() may refresh the views: read each value through arena.words again.
    for (let i = 0; i < count; i++) arena.free(arena.words[first + i] as number);
    arena.free(bag);
    freed += count;
  }
  for (let i = young.length - 1; i >= 0; i--) push(arena, MapWord64.ORPHANS, young[i] as number);
  return freed;
}
