// A tagged offset: one 64-bit word holding an arena offset (low 32 bits) and a tag (high 32 bits)
// that every successful CAS of the word increments. A CAS on the whole word then fails whenever
// the word changed since it was read, even if the offset is the same again (the ABA problem of
// a Treiber stack: pop A, pop B, push A again).

/** The offset half of a tagged word. */
export function offsetOf(word: bigint): number {
  return Number(word & 0xffff_ffffn);
}

/** The word that replaces `word`: `offset`, with the tag of `word` plus one. */
export function retag(word: bigint, offset: number): bigint {
  return BigInt.asIntN(64, (((word >> 32n) + 1n) << 32n) | BigInt(offset >>> 0));
}
