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

/** Encodes keys into one reusable scratch buffer (the record copies it at once). */
export class KeyEncoder {
  #scratch = new Uint8Array(256);
  /** The tag of the last encoded key. */
  tag: number = KeyTag.NONE;

  /** Encodes `key` (already checked by `partition()`); returns a view valid until the next call. */
  encode(key: RouterKey): Uint8Array {
    if (typeof key === 'string') {
      this.tag = KeyTag.STRING;
      if (key.length * 3 > this.#scratch.length) this.#scratch = new Uint8Array(key.length * 3);
      const { written } = encoder.encodeInto(key, this.#scratch);
      return this.#scratch.subarray(0, written);
    }
    if (typeof key === 'number') {
      this.tag = KeyTag.NUMBER;
      f64[0] = key;
      return f64Bytes;
    }
    if (typeof key === 'bigint') {
      this.tag = KeyTag.BIGINT;
      return encoder.encode(key.toString());
    }
    this.tag = KeyTag.BYTES;
    return key;
  }
}

/** Short ASCII keys without a TextDecoder call (the common case on the hot path). */
function shortString(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b >= 0x80) return decoder.decode(bytes);
    s += String.fromCharCode(b);
  }
  return s;
}

/** Decodes the key bytes of a record (a copy: the handler may keep it). */
export function decodeKey(tag: number, bytes: Uint8Array): RouterKey | undefined {
  switch (tag) {
    case KeyTag.STRING:
      return bytes.length <= 32 ? shortString(bytes) : decoder.decode(bytes);
    case KeyTag.NUMBER:
      f64Bytes.set(bytes);
      return f64[0] as number;
    case KeyTag.BIGINT:
      return BigInt(decoder.decode(bytes));
    case KeyTag.BYTES:
      return bytes.slice();
    default:
      return undefined;
  }
}
