import { ViewCache } from '@corelane/shared';

/**
 * The views `'raw'` hands handlers: a `ViewCache` per ring data region a thread reads (values
 * start anywhere inside their records, so a cached view is kept only while the same start and
 * length recur at its 8-byte position). A view is valid during the handler's call only (the
 * `'raw'` contract): the record's bytes are overwritten once it is consumed, and the view
 * itself may be handed out again for a later message.
 */
export class ValueViews {
  /** The data region seen last and its cache: a core drains one ring at a time. */
  #data: Uint8Array | null = null;
  #views: ViewCache | null = null;
  readonly #byData = new WeakMap<Uint8Array, ViewCache>();

  /** A view of `data[start..end)`. */
  at(data: Uint8Array, start: number, end: number): Uint8Array {
    if (data !== this.#data || this.#views === null) this.#select(data);
    return (this.#views as ViewCache).at(start, end);
  }

  #select(data: Uint8Array): void {
    let views = this.#byData.get(data);
    if (views === undefined) {
      views = new ViewCache(data);
      this.#byData.set(data, views);
    }
    this.#data = data;
    this.#views = views;
  }
}
