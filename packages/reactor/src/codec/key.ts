import type { RouterKey } from '@corelane/router';

/**
 * How a key travels in a record (`KeyTag` in the record's type word):
 *
 * | tag      | key                | bytes                                   |
 * | -------- | ------------------ | --------------------------------------- |
 * | NONE 0   | none (broadcast, sendTo) | —                                 |
 * | STRING 1 | string             | UTF-8                                   |
 * | NUMBER 2 | safe integer       | float64, little endian                  |
 * | BIGINT 3 | bigint             | its decimal digits, ASCII               |
 * | BYTES 4  | Uint8Array         | the bytes (the handler gets a copy)     |
 */
export const KeyTag = { NONE: 0, STRING: 1, NUMBER: 2, BIGINT: 3, BYTES: 4 } as const;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);

/**
 * Encodes keys into one reusable scratch buffer (the record copies it at once). After
 * `encode()`, the key's bytes are `bytes[0..length)`: nothing is allocated per key (an ASCII
 * string is written unit by unit; only a non-ASCII one goes through the TextEncoder).
 */
export class KeyEncoder {
  #scratch = new Uint8Array(256);
  /** The tag of the last encoded key. */
  tag: number = KeyTag.NONE;
  /** Where the last key's bytes are (the scratch buffer, or the key itself for a Uint8Array). */
  bytes: Uint8Array = this.#scratch;

  /** Encodes `key` (already checked by `partition()`); returns its byte length (bytes in `bytes`, valid until the next call). */
  encode(key: RouterKey): number {
    if (typeof key === 'string') {
      this.tag = KeyTag.STRING;
      const n = key.length;
      if (n * 3 > this.#scratch.length) this.#scratch = new Uint8Array(n * 3);
      const out = this.#scratch;
      this.bytes = out;
      for (let i = 0; i < n; i++) {
        const u = key.charCodeAt(i);
        if (u >= 0x80) return encoder.encodeInto(key, out).written;
        out[i] = u;
      }
      return n;
    }
    if (typeof key === 'number') {
      this.tag = KeyTag.NUMBER;
      f64[0] = key;
      this.bytes = f64Bytes;
      return 8;
    }
    if (typeof key === 'bigint') {
      this.tag = KeyTag.BIGINT;
      this.bytes = encoder.encode(key.toString());
      return this.bytes.length;
    }
    this.tag = KeyTag.BYTES;
    this.bytes = key;
    return key.length;
  }
}

/**
 * Decoded ASCII string keys, by a hash of their bytes: a key seen before decodes to the same
 * string again, found by comparing bytes, without allocating (and a Map keyed by it finds the
 * string's hash already computed). Direct-mapped: a collision replaces the older key.
 */
const INTERN_SLOTS = 4096;
const INTERN_MAX_BYTES = 64;
const interned: (string | undefined)[] = new Array(INTERN_SLOTS);

/** The key of `bytes[start..end)` as a string when it is ASCII; null when a byte is not. */
function asciiKey(bytes: Uint8Array, start: number, end: number): string | null {
  let h = 0x811c9dc5 | 0;
  for (let i = start; i < end; i++) h = Math.imul(h ^ (bytes[i] as number), 0x01000193);
  const slot = (h ^ (h >>> 15)) & (INTERN_SLOTS - 1);
  const length = end - start;
  const known = interned[slot];
  if (known !== undefined && known.length === length) {
    let i = 0;
    while (i < length && known.charCodeAt(i) === bytes[start + i]) i++;
    if (i === length) return known;
  }
  let s = '';
  for (let i = start; i < end; i++) {
    const b = bytes[i] as number;
    if (b >= 0x80) return null;
    s += String.fromCharCode(b);
  }
  interned[slot] = s;
  return s;
}

/** Decodes the key in `bytes[start..end)` of a record (a copy: the handler may keep it). */
export function decodeKey(tag: number, bytes: Uint8Array, start: number, end: number): RouterKey | undefined {
  switch (tag) {
    case KeyTag.STRING: {
      if (end - start <= INTERN_MAX_BYTES) {
        const s = asciiKey(bytes, start, end);
        if (s !== null) return s;
      }
      return decoder.decode(bytes.subarray(start, end));
    }
    case KeyTag.NUMBER:
      for (let i = 0; i < 8; i++) f64Bytes[i] = bytes[start + i] as number;
      return f64[0] as number;
    case KeyTag.BIGINT:
      return BigInt(decoder.decode(bytes.subarray(start, end)));
    case KeyTag.BYTES:
      return bytes.slice(start, end);
    default:
      return undefined;
  }
}
