// One thread's retired values, oldest first, each with the global epoch read when it was
// retired. Thread-private (plain JS memory): only the retiring thread frees from it. Epochs in
// it never decrease, so reclamation frees from the front and stops at the first young entry.

export class Garbage {
  #values = new Int32Array(64);
  #epochs = new Int32Array(64);
  #head = 0;
  #tail = 0;

  get length(): number {
    return this.#tail - this.#head;
  }

  push(value: number, epoch: number): void {
    if (this.#tail === this.#values.length) this.#makeRoom();
    this.#values[this.#tail] = value;
    this.#epochs[this.#tail++] = epoch;
  }

  /** Epoch of the oldest entry (only when length > 0). */
  oldestEpoch(): number {
    return this.#epochs[this.#head] as number;
  }

  /** Epoch of the newest entry (only when length > 0). */
  newestEpoch(): number {
    return this.#epochs[this.#tail - 1] as number;
  }

  shift(): number {
    return this.#values[this.#head++] as number;
  }

  /** Every entry, oldest first, and empties the bag. */
  takeAll(): Int32Array {
    const all = this.#values.slice(this.#head, this.#tail);
    this.#head = this.#tail = 0;
    return all;
  }

  #makeRoom(): void {
    const live = this.length;
    const size = live * 2 > this.#values.length ? this.#values.length * 2 : this.#values.length;
    const values = new Int32Array(size);
    const epochs = new Int32Array(size);
    values.set(this.#values.subarray(this.#head, this.#tail));
    epochs.set(this.#epochs.subarray(this.#head, this.#tail));
    this.#values = values;
    this.#epochs = epochs;
    this.#head = 0;
    this.#tail = live;
  }
}
