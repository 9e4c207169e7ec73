import { ByteRingConsumer } from '@corelane/spsc';
import { ControlWord, ringHeadWord } from './layout.js';

/**
 * Called with each record: where it came from, then its place in that ring's data region (the
 * payload is `data[offset]` … `data[offset + length - 1]`, valid during the call), its type.
 */
export type InboundHandler = (source: number, data: Uint8Array, offset: number, length: number, type: number) => void;

/**
 * The inbound rings of one core (from every other core and from the main thread), drained
 * round-robin with a per-ring budget so that a flooding peer cannot starve the others.
 *
 * Before each `read()` the core records in its control slot which ring it drains and that
 * ring's head, and counts every record before its handler runs. If the core dies inside a
 * handler, the read never published its position; the main thread then skips exactly the
 * records already handed out (the one that killed the core among them) and the new core
 * handles the rest: what the dead core had not consumed is handled once, and a message that
 * kills its core is not delivered again.
 */
export class Inbound {
  /** `consumers[i]` reads the ring from `sources[i]`. */
  readonly consumers: ByteRingConsumer[];
  readonly sources: number[];
  /** Each ring's consumed position word (for the restart bookkeeping before a read). */
  readonly #heads: Int32Array[];
  readonly #control: Int32Array;
  /** Position in `sources` of the main thread's ring. */
  readonly mainIndex: number;
  #next = 0;
  #source = 0;
  /** The data region of the ring being drained. */
  #data: Uint8Array = EMPTY;
  #handler: InboundHandler = () => {};

  constructor(rings: { source: number; ring: SharedArrayBuffer }[], control: Int32Array, main: number) {
    this.sources = rings.map((r) => r.source);
    this.#heads = rings.map((r) => ringHeadWord(r.ring));
    this.consumers = rings.map((r) => new ByteRingConsumer(r.ring, { autoFlush: false }));
    this.#control = control;
    this.mainIndex = this.sources.indexOf(main);
    control[ControlWord.HANDLING_RING] = -1;
  }

  readonly #onRecord = (offset: number, length: number, type: number): void => {
    // A plain store: read by the main thread only after this thread has ended.
    this.#control[ControlWord.HANDLED] = (this.#control[ControlWord.HANDLED] as number) + 1;
    this.#handler(this.#source, this.#data, offset, length, type);
  };

  /**
   * One pass over every ring, starting one further each call, taking at most `budget`
   * records from each; the main thread's ring is skipped while `holdMain` is set. Returns the
   * number of records handled.
   */
  drain(handler: InboundHandler, budget: number, holdMain: boolean): number {
    this.#handler = handler;
    const n = this.consumers.length;
    const control = this.#control;
    let total = 0;
    const start = this.#next;
    this.#next = start + 1 === n ? 0 : start + 1;
    for (let k = 0; k < n; k++) {
      let i = start + k;
      if (i >= n) i -= n;
      if (holdMain && i === this.mainIndex) continue;
      const consumer = this.consumers[i] as ByteRingConsumer;
      if (consumer.availableBytes === 0) continue;
      this.#source = this.sources[i] as number;
      this.#data = consumer.data;
      // Only this thread (the consumer) writes the head: a plain read is its current value.
      control[ControlWord.HANDLING_HEAD] = (this.#heads[i] as Int32Array)[0] as number;
      control[ControlWord.HANDLED] = 0;
      control[ControlWord.HANDLING_RING] = this.#source;
      let got = 0;
      try {
        got = consumer.readOffsets(this.#onRecord, budget);
      } finally {
        control[ControlWord.HANDLING_RING] = -1;
      }
      total += got;
    }
    return total;
  }

  /** True when a ring has records (re-reads every producer's published position). */
  hasWork(holdMain: boolean): boolean {
    for (let i = 0; i < this.consumers.length; i++) {
      if (holdMain && i === this.mainIndex) continue;
      if ((this.consumers[i] as ByteRingConsumer).availableBytes > 0) return true;
    }
    return false;
  }

  /** Bytes waiting in every inbound ring (a sample). */
  get waitingBytes(): number {
    let sum = 0;
    for (const c of this.consumers) sum += c.availableBytes;
    return sum;
  }

  close(): void {
    for (const c of this.consumers) c.close();
  }
}

const EMPTY = new Uint8Array(0);
