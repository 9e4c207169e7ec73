// A growable ring of strings: O(1) push and pop at both ends, O(1) index. A Redis list is a
// quicklist; a JS array's unshift() is O(n), which LPUSH-heavy loads cannot afford.
export class Deque {
  private items: (string | undefined)[];
  private head = 0;
  private count = 0;

  constructor(initial: readonly string[] = []) {
    let cap = 8;
    while (cap < initial.length) cap *= 2;
    this.items = new Array(cap);
    for (const v of initial) this.pushBack(v);
  }

  /** How many items it holds. */
  get length(): number {
    return this.count;
  }

  private grow(): void {
    const old = this.items;
    const next = new Array<string | undefined>(old.length * 2);
    for (let i = 0; i < this.count; i++) next[i] = old[(this.head + i) & (old.length - 1)];
    this.items = next;
    this.head = 0;
  }

  /** The item at `index` (0 = head), which must be in 0..length-1. */
  at(index: number): string {
    return this.items[(this.head + index) & (this.items.length - 1)] as string;
  }

  /** Replaces the item at `index` (0..length-1). */
  set(index: number, value: string): void {
    this.items[(this.head + index) & (this.items.length - 1)] = value;
  }

  /** Appends at the tail (RPUSH). */
  pushBack(value: string): void {
    if (this.count === this.items.length) this.grow();
    this.items[(this.head + this.count) & (this.items.length - 1)] = value;
    this.count++;
  }

  /** Prepends at the head (LPUSH). */
  pushFront(value: string): void {
    if (this.count === this.items.length) this.grow();
    this.head = (this.head - 1) & (this.items.length - 1);
    this.items[this.head] = value;
    this.count++;
  }

  /** Removes the head (LPOP); undefined when empty. */
  popFront(): string | undefined {
    if (this.count === 0) return undefined;
    const v = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & (this.items.length - 1);
    this.count--;
    return v;
  }

  /** Removes the tail (RPOP); undefined when empty. */
  popBack(): string | undefined {
    if (this.count === 0) return undefined;
    const i = (this.head + this.count - 1) & (this.items.length - 1);
    const v = this.items[i];
    this.items[i] = undefined;
    this.count--;
    return v;
  }

  /** Items `start..end` inclusive (already clamped to 0..length-1). */
  slice(start: number, end: number): string[] {
    const out: string[] = [];
    for (let i = start; i <= end; i++) out.push(this.at(i));
    return out;
  }

  /** All items, head first. */
  toArray(): string[] {
    return this.count === 0 ? [] : this.slice(0, this.count - 1);
  }

  /** Replaces every item with `values` (used by the O(n) commands: LINSERT, LREM, LTRIM). */
  replace(values: readonly string[]): void {
    const fresh = new Deque(values);
    this.items = fresh.items;
    this.head = fresh.head;
    this.count = fresh.count;
  }
}
