import { DATA_OFFSET, RECORD_ALIGNMENT } from './layout.js';

/** Rings up to this size keep one cached view per record position (at most 2^17 entries). */
const CACHE_UP_TO_BYTES = 2 ** 20;

/**
 * Uint8Array views into a byte ring's data, reused: one cached view per 8-byte record position,
 * replaced only when a record of another length lands there. A stream of same-sized records
 * therefore allocates nothing once the ring has wrapped once.
 */
export class RecordViews {
  readonly bytes: Uint8Array;
  readonly #cache: (Uint8Array | undefined)[] | null;

  constructor(buffer: SharedArrayBuffer, capacity: number) {
    this.bytes = new Uint8Array(buffer, DATA_OFFSET, capacity);
    this.#cache = capacity <= CACHE_UP_TO_BYTES ? new Array(capacity / RECORD_ALIGNMENT) : null;
  }

  /** A view of `length` bytes at data position `at` (a multiple of 8). */
  at(at: number, length: number): Uint8Array {
    const cache = this.#cache;
    if (cache === null) return this.bytes.subarray(at, at + length);
    const slot = at >>> 3;
    const cached = cache[slot];
    if (cached !== undefined && cached.length === length) return cached;
    const view = this.bytes.subarray(at, at + length);
    cache[slot] = view;
    return view;
  }
}
