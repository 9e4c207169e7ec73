// The arena's size classes: every block is one of 60 sizes, so that a freed block can serve any
// later request of its class and the arena needs no coalescing. Classes 0..7 step by 16 bytes up
// to 128; above that, four classes per doubling (each at most 25% larger than the request).

/** The smallest block, and the alignment of every block (bit 0 of an offset is free for a mark). */
export const MIN_BLOCK_BYTES = 16;

/** The largest block: a value of up to `MAX_BLOCK_BYTES - 8` bytes fits. */
export const MAX_BLOCK_BYTES = 1 << 20;

/** How many classes there are (the free-list heads reserve room for 64). */
export const CLASS_COUNT = 60;

/** The block size of a class above 7: 2^p plus `step` quarters of 2^p. */
function sizeOfClass(cls: number): number {
  if (cls < 8) return (cls + 1) * MIN_BLOCK_BYTES;
  const p = 7 + ((cls - 8) >> 2);
  const step = ((cls - 8) & 3) + 1;
  return 2 ** p + step * 2 ** (p - 2);
}

/**
 * The class word of a value block that lives inside its node's block (set together with the
 * node when a key is inserted): it is never freed on its own, only with the node.
 */
export const INLINE_CLASS = 255;

/** Block bytes of each class. */
export const CLASS_BYTES: Int32Array = Int32Array.from({ length: CLASS_COUNT }, (_, cls) => sizeOfClass(cls));

/** The class of the smallest block that holds `bytes` (1..MAX_BLOCK_BYTES). */
export function classOf(bytes: number): number {
  if (bytes <= 128) return bytes <= MIN_BLOCK_BYTES ? 0 : ((bytes + 15) >> 4) - 1;
  const p = 31 - Math.clz32(bytes - 1); // 2^p < bytes <= 2^(p+1)
  const quarter = 2 ** (p - 2);
  const step = Math.ceil((bytes - 2 ** p) / quarter); // 1..4
  return 8 + (p - 7) * 4 + step - 1;
}
