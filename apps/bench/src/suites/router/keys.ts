// The keys every router case hashes, the same on both sides: generated here from a fixed seed,
// and written to a file for the Rust peer to read.
import { writeFileSync } from 'node:fs';

/** A key set: bytes keys (hashed as Rust `&[u8]`) or short strings (hashed as Rust `&str`). */
export type KeySet = { kind: 'bytes'; size: number; keys: Uint8Array[] } | { kind: 'str'; keys: string[] };

/** xorshift32: cheap, deterministic, good enough for key material. */
function stream(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/** `count` keys of `size` random bytes each. */
export function byteKeys(size: number, count: number): KeySet {
  const next = stream(size * 7919 + count);
  const keys = Array.from({ length: count }, () => {
    const key = new Uint8Array(size);
    for (let i = 0; i < size; i++) key[i] = next() & 0xff;
    return key;
  });
  return { kind: 'bytes', size, keys };
}

const PREFIXES = ['user', 'order', 'sensor', 'session', 'acct', 'device', 'tenant', 'sku'];

/** `count` ASCII ids such as `order:48213` or `session:9f3a77c1`: 6 to 16 characters. */
export function stringKeys(count: number): KeySet {
  const next = stream(count * 31 + 5);
  const keys = Array.from({ length: count }, () => {
    const prefix = PREFIXES[next() % PREFIXES.length] ?? 'key';
    const id = next() % 2 === 0 ? String(next() % 100_000) : (next() >>> 0).toString(16);
    return `${prefix}:${id}`;
  });
  return { kind: 'str', keys };
}

/** The key set's bytes as the Rust peer reads them: u32 LE count, then per key a u32 LE length and the bytes. */
export function writeKeyFile(path: string, set: KeySet): void {
  const encoded = set.kind === 'bytes' ? set.keys : set.keys.map((k) => new TextEncoder().encode(k));
  const total = 4 + encoded.reduce((sum, k) => sum + 4 + k.length, 0);
  const file = new Uint8Array(total);
  const view = new DataView(file.buffer);
  view.setUint32(0, encoded.length, true);
  let at = 4;
  for (const key of encoded) {
    view.setUint32(at, key.length, true);
    file.set(key, at + 4);
    at += 4 + key.length;
  }
  writeFileSync(path, file);
}

/** A label such as `16 B keys` or `short strings`. */
export function describeKeys(set: KeySet): string {
  return set.kind === 'bytes' ? `${set.size} B keys` : 'short strings';
}
