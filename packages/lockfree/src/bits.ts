// Bit tricks of the split-ordered list.

/** The 32 bits of `x` in reverse order, as an unsigned number. */
export function reverse32(x: number): number {
  x = ((x >>> 1) & 0x55555555) | ((x & 0x55555555) << 1);
  x = ((x >>> 2) & 0x33333333) | ((x & 0x33333333) << 2);
  x = ((x >>> 4) & 0x0f0f0f0f) | ((x & 0x0f0f0f0f) << 4);
  x = ((x >>> 8) & 0x00ff00ff) | ((x & 0x00ff00ff) << 8);
  return ((x >>> 16) | (x << 16)) >>> 0;
}

/** MurmurHash3's 32-bit finalizer: spreads every input bit over the whole word (FxHash leaves low bits weak). */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The split-order key of a regular node: its hash reversed, with bit 0 set (odd). */
export function regularSoKey(hash: number): number {
  return reverse32(hash | 0x8000_0000);
}

/** The split-order key of bucket `bucket`'s dummy node: the index reversed (even, below every child). */
export function dummySoKey(bucket: number): number {
  return reverse32(bucket);
}

/** `bucket` without its highest set bit: its parent in the split order (0 for 0 and 1). */
export function parentBucket(bucket: number): number {
  return bucket === 0 ? 0 : bucket & ~(1 << (31 - Math.clz32(bucket)));
}
