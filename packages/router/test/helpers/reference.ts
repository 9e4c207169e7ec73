// fxhash 0.2.1's FxHasher64 written the obvious way, with bigints: the slow reference the fast
// int32 paths of src/absorb64.ts are compared with (test/fast-paths.test.ts).

const K = 0x517cc1b727220a95n;
const M64 = (1n << 64n) - 1n;

function mix(h: bigint, w: bigint): bigint {
  const rotated = ((h << 5n) | (h >> 59n)) & M64;
  return ((rotated ^ w) * K) & M64;
}

/** Rust's `Hasher::write(&[u8])`: 8-byte LE words, then one 4-byte word, then single bytes. */
function write(h: bigint, bytes: Uint8Array): bigint {
  let i = 0;
  const word = (at: number, n: number) => {
    let w = 0n;
    for (let b = n - 1; b >= 0; b--) w = (w << 8n) | BigInt(bytes[at + b] as number);
    return w;
  };
  for (; bytes.length - i >= 8; i += 8) h = mix(h, word(i, 8));
  if (bytes.length - i >= 4) {
    h = mix(h, word(i, 4));
    i += 4;
  }
  for (; i < bytes.length; i++) h = mix(h, BigInt(bytes[i] as number));
  return h;
}

/** `fxhash::hash64(&[u8])`: the length as a usize, then the bytes. */
export function referenceBytes64(bytes: Uint8Array): bigint {
  return write(mix(0n, BigInt(bytes.length)), bytes);
}

/** `fxhash::hash64(&str)`: the UTF-8 bytes, then 0xff. */
export function referenceStr64(s: string): bigint {
  return mix(write(0n, new TextEncoder().encode(s)), 0xffn);
}

/** `fxhash::hash64(&u64)`. */
export function referenceU64(value: bigint): bigint {
  return mix(0n, BigInt.asUintN(64, value));
}
