/**
 * Regions up to this size keep one cached view per 8-byte position (at most 2^17 entries); past
 * it every view is fresh: a 2^30-byte ring's cache would be an array of 2^27 entries and a view
 * object per position it touched.
 */
export const VIEW_CACHE_UP_TO_BYTES = 2 ** 20;

/**
 * Uint8Array views into one region (a ring's data), reused: one cached view per 8-byte
 * position, handed out again while a view of the same start and length is asked for there, and
 * replaced when another one is. A stream of same-shaped records allocates nothing once the ring
 * has wrapped (a `subarray()` is ~29 ns and an object for the collector).
 *
 * A view is the caller's during its use only: the same object is handed out again for the next
 * record at that place. Two records in flight at once never share a position (each is at least
 * 8 bytes), so one is never handed the other's view.
 */
export class ViewCache {
  readonly bytes: Uint8Array;
  readonly #cache: (Uint8Array | undefined)[] | null;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.#cache = bytes.length <= VIEW_CACHE_UP_TO_BYTES ? new Array(Math.ceil(bytes.length / 8)) : null;
  }

  /** A view of `bytes[start..end)`. */
  at(start: number, end: number): Uint8Array {
    const cache = this.#cache;
    if (cache === null) return this.bytes.subarray(start, end);
    const slot = start >>> 3;
    const cached = cache[slot];
    if (cached !== undefined && cached.byteOffset === this.bytes.byteOffset + start && cached.length === end - start) {
      return cached;
    }
    const view = this.bytes.subarray(start, end);
    cache[slot] = view;
    return view;
  }
}
