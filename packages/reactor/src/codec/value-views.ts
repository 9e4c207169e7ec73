/**
 * Data regions up to this size keep one cached view per 8-byte position (at most 2^17 entries,
 * the bound spsc's RecordViews keeps too); past it every value gets a fresh view, as a 2^30-byte
 * ring's cache would be an array of 2^27 entries and a view object per position it touched.
 */
const CACHE_UP_TO_BYTES = 2 ** 20;

/**
 * Views of values inside rings' data regions, reused: `'raw'` hands every handler a view of
 * its record's value, and a fresh `subarray()` per record was ~29 ns and one object for the
 * collector per event. One cached view per 8-byte position of each ring (spsc's RecordViews
 * does the same for whole records), kept while a value of the same length starts at the same
 * byte there: a stream of same-shaped messages allocates nothing once the ring has wrapped.
 *
 * A view is valid during the handler's call only (the `'raw'` contract): the record's bytes
 * are overwritten once it is consumed, and now the view itself may be handed out again.
 * Values of two records in flight at once never share a position (a record is at least 8
 * bytes and values are inside their records), so the view of one is never the other's.
 */
export class ValueViews {
  /** The data region seen last and its views, by `start >>> 3`. */
  #data: Uint8Array | null = null;
  #views: (Uint8Array | undefined)[] = [];
  readonly #byData = new WeakMap<Uint8Array, (Uint8Array | undefined)[]>();

  /** A view of `data[start..end)`. */
  at(data: Uint8Array, start: number, end: number): Uint8Array {
    if (data.length > CACHE_UP_TO_BYTES) return data.subarray(start, end);
    if (data !== this.#data) this.#select(data);
    const slot = start >>> 3;
    const cached = this.#views[slot];
    if (cached !== undefined && cached.byteOffset === data.byteOffset + start && cached.length === end - start) {
      return cached;
    }
    const view = data.subarray(start, end);
    this.#views[slot] = view;
    return view;
  }

  #select(data: Uint8Array): void {
    let views = this.#byData.get(data);
    if (views === undefined) {
      views = [];
      this.#byData.set(data, views);
    }
    this.#data = data;
    this.#views = views;
  }
}
