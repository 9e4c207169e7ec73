// The reference vectors of the Rust crate fxhash 0.2.1, read from test/fixtures (see its README).
import { readFileSync } from 'node:fs';

interface RawEntry {
  key?: string;
  key_hex?: string;
  hash64: string;
  hash32: number;
}

/** One vector: the key as JavaScript passes it, what Rust returned, and a label for reports. */
export interface Vector<K> {
  label: string;
  key: K;
  hash64: bigint;
  hash32: number;
}

const raw = JSON.parse(readFileSync(new URL('../fixtures/fxhash-0.2.1.json', import.meta.url), 'utf8')) as {
  generator: string;
  bytes: RawEntry[];
  str: RawEntry[];
  u64: RawEntry[];
};

function hex(bytes: string): Uint8Array {
  return new Uint8Array(Buffer.from(bytes, 'hex'));
}

/** `&[u8]` vectors: keys of 0..299 bytes. */
export const byteVectors: Vector<Uint8Array>[] = raw.bytes.map((e, i) => ({
  label: `bytes[${i}] (${(e.key_hex ?? '').length / 2} B)`,
  key: hex(e.key_hex ?? ''),
  hash64: BigInt(e.hash64),
  hash32: e.hash32,
}));

/** `&str` vectors: ASCII and multi-byte UTF-8 strings. */
export const strVectors: Vector<string>[] = raw.str.map((e, i) => ({
  label: `str[${i}] ${JSON.stringify(e.key ?? '').slice(0, 24)}`,
  key: e.key ?? '',
  hash64: BigInt(e.hash64),
  hash32: e.hash32,
}));

/** `u64` vectors, keys as bigints. */
export const u64Vectors: Vector<bigint>[] = raw.u64.map((e, i) => ({
  label: `u64[${i}] ${e.key}`,
  key: BigInt(e.key ?? ''),
  hash64: BigInt(e.hash64),
  hash32: e.hash32,
}));

/** Every vector, of every kind. */
export const allVectors: Vector<Uint8Array | string | bigint>[] = [...byteVectors, ...strVectors, ...u64Vectors];

export const generator = raw.generator;
