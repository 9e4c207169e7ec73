// The 32-bit FxHash of a key's bytes, bit-exact with `fxhash32(bytes)` of @corelane/router (Rust
// fxhash 0.2.1's `hash32(&[u8])`: the length as a usize, then 4-byte little-endian words, then one
// word per remaining byte), written so that the string encoder can hash while it copies: the map
// hashes every key of every operation, and hashing in the same pass as the copy saves reading
// the bytes back (test/key-hash.test.ts checks it against the router's function).

const K32 = 0x27220a95;

/** One step of FxHasher32: `(h.rotate_left(5) ^ word) * K32`. */
export function fxMix(h: number, word: number): number {
  return Math.imul(((h << 5) | (h >>> 27)) ^ word, K32);
}

/** The state after the length prefix of a slice of `length` bytes (a usize: two words, low first). */
export function fxStart(length: number): number {
  return fxMix(fxMix(0, length | 0), Math.floor(length / 4294967296));
}

/** The FxHash32 of `bytes[0..length)` as a byte slice, unsigned. */
export function fxHashBytes(bytes: Uint8Array, length: number): number {
  let h = fxStart(length);
  let i = 0;
  for (; length - i >= 4; i += 4) {
    h = fxMix(
      h,
      (bytes[i] as number) |
        ((bytes[i + 1] as number) << 8) |
        ((bytes[i + 2] as number) << 16) |
        ((bytes[i + 3] as number) << 24),
    );
  }
  for (; i < length; i++) h = fxMix(h, bytes[i] as number);
  return h >>> 0;
}
