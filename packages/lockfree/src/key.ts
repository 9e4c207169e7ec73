// A key as the map sees it: its bytes (a string's UTF-8), its kind (string or bytes: 'a' and
// Uint8Array [0x61] are different keys, as they are different Rust types) and its hash.
import { CorelaneRangeError, CorelaneTypeError, ErrorCode } from '@corelane/shared';
import { fmix32 } from './bits.js';
import { fxHashBytes, fxMix, fxStart } from './key-hash.js';
import { KIND_STRING, Node } from './layout.js';

/** The longest key, in bytes (a string's UTF-8 bytes). */
export const MAX_KEY_BYTES = 4096;

/** A key of the map: a string (compared and hashed as its UTF-8 bytes) or a `Uint8Array`. */
export type MapKey = string | Uint8Array;

/** Strings up to this many units take the ASCII loop before the encoder. */
const ASCII_UP_TO = 64;

/** Salt mixed into the hash of string keys, so 'a' and [0x61] land apart. */
const STRING_SALT = 0x9e3779b9;

const encoder = new TextEncoder();

/**
 * `view` itself, or, when its buffer can change length (a growable `SharedArrayBuffer` another
 * thread may grow, a resizable `ArrayBuffer`), a fixed-length view of its bytes now: a length
 * checked once is then the length copied, and no copy runs past the block sized for it.
 */
export function fixedView(view: Uint8Array): Uint8Array {
  const buffer = view.buffer as ArrayBuffer | SharedArrayBuffer;
  const changes = buffer instanceof SharedArrayBuffer ? buffer.growable : buffer.resizable;
  return changes ? new Uint8Array(buffer, view.byteOffset, view.length) : view;
}

/** How a bad argument is named in an error message. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
  return typeof value;
}

/**
 * One thread's scratch for the key of the operation in progress: each public operation encodes
 * its key here first (before it touches shared memory), then the list compares nodes with it.
 */
export class KeyScratch {
  bytes = new Uint8Array(256);
  /** The same memory as `bytes`, as 32-bit words: compareNode() compares four bytes at a time. */
  words = new Int32Array(this.bytes.buffer);
  length = 0;
  kind = 0;
  hash = 0;
  /** The node `keyMeta` word of this key: `length | kind << 16`. */
  meta = 0;
  /** Views `bytes.subarray(0, n)`, made once per length (writeInto copies a whole view). */
  #views: (Uint8Array | undefined)[] = [];

  /** Encodes `key`, or throws the typed error a bad key deserves (nothing shared touched). */
  encode(key: unknown, name = 'key'): void {
    if (typeof key === 'string') {
      this.kind = KIND_STRING;
      this.#encodeString(key, name); // sets length and hash
    } else if (key instanceof Uint8Array) {
      if (key.length > MAX_KEY_BYTES) tooLong(name, key.length);
      this.kind = 0;
      if (key.length > this.bytes.length) this.#grow(key.length);
      this.bytes.set(key);
      this.length = key.length;
      this.hash = fmix32(fxHashBytes(this.bytes, key.length));
    } else {
      throw new CorelaneTypeError(
        ErrorCode.INVALID_ARGUMENT,
        `${name} must be a string or a Uint8Array, got ${describe(key)}`,
      );
    }
    this.meta = this.length | (this.kind << 16);
  }

  /** Writes the key's meta word and bytes into the node at `node` (a fresh, unpublished block). */
  writeInto(words: Int32Array, arenaBytes: Uint8Array, node: number): void {
    words[(node + Node.KEY_META) >> 2] = this.meta;
    arenaBytes.set(this.#view(this.length), node + Node.KEY);
  }

  /**
   * Orders the key of regular node `node` (same split-order key) against this key: negative
   * when the node's key comes first, 0 when they are equal. The node's key is immutable.
   */
  compareNode(words: Int32Array, arenaBytes: Uint8Array, node: number): number {
    const meta = words[(node + Node.KEY_META) >> 2] as number; // plain: written before publication
    // Kind first, then length: `length | kind << 16` with length < 2^16 orders them so.
    if (meta !== this.meta) return meta - this.meta;
    const length = this.length;
    // Four bytes at a time while they agree (Node.KEY is 4-aligned and so is every node); the
    // first word that differs is ordered byte by byte below, so the order stays the bytes'.
    const mine = this.words;
    const first = (node + Node.KEY) >> 2;
    const whole = length >> 2;
    let i = 0;
    while (i < whole && words[first + i] === mine[i]) i++;
    const bytes = this.bytes;
    const at = node + Node.KEY;
    for (i <<= 2; i < length; i++) {
      const d = (arenaBytes[at + i] as number) - (bytes[i] as number);
      if (d !== 0) return d;
    }
    return 0;
  }

  /**
   * A string's UTF-8 bytes into `bytes`, with `length` and `hash`. ASCII keys up to
   * ASCII_UP_TO units are copied and hashed in one pass (the hash of their bytes, as
   * fxHashBytes computes it); any other string goes through the encoder, then the hash.
   */
  #encodeString(key: string, name: string): void {
    const n = key.length;
    if (n > MAX_KEY_BYTES) tooLong(name, n);
    if (n * 3 > this.bytes.length) this.#grow(n * 3);
    const bytes = this.bytes;
    if (n <= ASCII_UP_TO) {
      let h = fxStart(n);
      let i = 0;
      let ascii = true;
      for (; n - i >= 4; i += 4) {
        const c0 = key.charCodeAt(i);
        const c1 = key.charCodeAt(i + 1);
        const c2 = key.charCodeAt(i + 2);
        const c3 = key.charCodeAt(i + 3);
        if ((c0 | c1 | c2 | c3) > 0x7f) {
          ascii = false;
          break;
        }
        bytes[i] = c0;
        bytes[i + 1] = c1;
        bytes[i + 2] = c2;
        bytes[i + 3] = c3;
        h = fxMix(h, c0 | (c1 << 8) | (c2 << 16) | (c3 << 24));
      }
      for (; ascii && i < n; i++) {
        const c = key.charCodeAt(i);
        if (c > 0x7f) ascii = false;
        else {
          bytes[i] = c;
          h = fxMix(h, c);
        }
      }
      if (ascii) {
        this.length = n;
        this.hash = fmix32((h >>> 0) ^ STRING_SALT);
        return;
      }
    }
    const { written } = encoder.encodeInto(key, bytes);
    if (written > MAX_KEY_BYTES) tooLong(name, written);
    this.length = written;
    this.hash = fmix32(fxHashBytes(bytes, written) ^ STRING_SALT);
  }

  #grow(bytes: number): void {
    this.bytes = new Uint8Array(Math.max((bytes + 3) & ~3, this.bytes.length * 2));
    this.words = new Int32Array(this.bytes.buffer);
    this.#views = [];
  }

  #view(length: number): Uint8Array {
    let view = this.#views[length];
    if (view === undefined) {
      view = this.bytes.subarray(0, length);
      this.#views[length] = view;
    }
    return view;
  }
}

function tooLong(name: string, bytes: number): never {
  throw new CorelaneRangeError(
    ErrorCode.RECORD_TOO_LARGE,
    `${name} is ${bytes} bytes (UTF-8 for a string); keys are at most ${MAX_KEY_BYTES} bytes`,
  );
}

/** The key of regular node `node` as the caller gave it: a string, or a copy of the bytes. */
export function readKey(buffer: SharedArrayBuffer, words: Int32Array, node: number): MapKey {
  const meta = words[(node + Node.KEY_META) >> 2] as number; // plain: immutable once published
  const length = meta & 0xffff;
  if (meta >>> 16 === KIND_STRING) return Buffer.from(buffer, node + Node.KEY, length).toString('utf8');
  return new Uint8Array(buffer, node + Node.KEY, length).slice();
}
