// The peer a Node user would write without a lock-free map: a hash table in one
// SharedArrayBuffer (open addressing, linear probing, fixed size) under ONE mutex, a futex-style
// Atomics lock (Drepper's "mutex 2": CAS 0→1, else mark 2 and Atomics.wait). Gets and sets only
// (the benchmark never deletes). Keys up to 32 ASCII bytes, values of VALUE_BYTES.
//
// buffer: [lock i32][pad to 64] then slots of 64 bytes: [used u32][keyLength u32][key 32 B][value 16 B][pad]
import { fxhash32 } from '@corelane/router';
import { VALUE_BYTES } from './workload.js';

const SLOT_BYTES = 64;
const KEY_AT = 8;
const VALUE_AT = 40;
const MAX_KEY = 32;
/** Spins before sleeping on the lock word (bounded: then Atomics.wait). */
const SPINS = 64;

export function allocateMutexMap(capacity: number): SharedArrayBuffer {
  const slots = 2 ** Math.ceil(Math.log2(capacity * 2));
  return new SharedArrayBuffer(64 + slots * SLOT_BYTES);
}

export class MutexMap {
  readonly #lock: Int32Array;
  readonly #bytes: Uint8Array;
  readonly #words: Int32Array;
  readonly #mask: number;
  readonly #key = new Uint8Array(MAX_KEY);
  readonly #keyViews: Uint8Array[] = Array.from({ length: MAX_KEY + 1 }, (_, n) => this.#key.subarray(0, n));

  constructor(buffer: SharedArrayBuffer) {
    this.#lock = new Int32Array(buffer, 0, 1);
    this.#bytes = new Uint8Array(buffer);
    this.#words = new Int32Array(buffer);
    this.#mask = (buffer.byteLength - 64) / SLOT_BYTES - 1;
  }

  #lockIt(): void {
    const lock = this.#lock;
    for (let i = 0; i < SPINS; i++) if (Atomics.compareExchange(lock, 0, 0, 1) === 0) return;
    while (Atomics.exchange(lock, 0, 2) !== 0) Atomics.wait(lock, 0, 2, 10);
  }

  #unlock(): void {
    if (Atomics.exchange(this.#lock, 0, 0) === 2) Atomics.notify(this.#lock, 0, 1);
  }

  /** Encodes the ASCII key into the scratch and finds its slot (or the empty slot it goes in). Under the lock. */
  #slot(key: string): number {
    const n = key.length;
    const scratch = this.#key;
    for (let i = 0; i < n; i++) scratch[i] = key.charCodeAt(i);
    let slot = fxhash32(this.#keyViews[n] as Uint8Array) & this.#mask;
    const words = this.#words;
    const bytes = this.#bytes;
    for (;;) {
      const at = 64 + slot * SLOT_BYTES;
      if (words[at >> 2] === 0) return slot;
      if (words[(at + 4) >> 2] === n) {
        let same = true;
        for (let i = 0; i < n; i++) {
          if (bytes[at + KEY_AT + i] !== scratch[i]) {
            same = false;
            break;
          }
        }
        if (same) return slot;
      }
      slot = (slot + 1) & this.#mask;
    }
  }

  /** The byte offset of `key`'s slot, taken (key written, value zeroed) when it was empty. Under the lock. */
  #claim(key: string): number {
    const at = 64 + this.#slot(key) * SLOT_BYTES;
    if (this.#words[at >> 2] === 0) {
      this.#words[at >> 2] = 1;
      this.#words[(at + 4) >> 2] = key.length;
      this.#bytes.set(this.#keyViews[key.length] as Uint8Array, at + KEY_AT);
      this.#bytes.fill(0, at + VALUE_AT, at + VALUE_AT + VALUE_BYTES);
    }
    return at;
  }

  set(key: string, value: Uint8Array): void {
    this.#lockIt();
    this.#bytes.set(value, this.#claim(key) + VALUE_AT);
    this.#unlock();
  }

  /** A copy of the value, or undefined. */
  get(key: string): Uint8Array | undefined {
    this.#lockIt();
    const at = 64 + this.#slot(key) * SLOT_BYTES;
    const value =
      this.#words[at >> 2] === 0 ? undefined : this.#bytes.slice(at + VALUE_AT, at + VALUE_AT + VALUE_BYTES);
    this.#unlock();
    return value;
  }

  /** Adds `delta` to the float64 in the first 8 value bytes (absent counts as 0); returns the sum. */
  add(key: string, delta: number, scratch: DataView): number {
    this.#lockIt();
    const at = this.#claim(key);
    for (let i = 0; i < 8; i++) scratch.setUint8(i, this.#bytes[at + VALUE_AT + i] as number);
    const sum = scratch.getFloat64(0, true) + delta;
    scratch.setFloat64(0, sum, true);
    for (let i = 0; i < 8; i++) this.#bytes[at + VALUE_AT + i] = scratch.getUint8(i);
    this.#unlock();
    return sum;
  }
}
