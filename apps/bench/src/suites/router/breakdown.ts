// Where the Router throughput case's nanoseconds per record go, measured in the same run: small
// single-thread sub-cases over the very records of the sample (same keys, payloads, lengths),
// into local rings that this thread drains between chunks (the drains are not timed), next to
// the cross-thread sample's own timings. Every figure is a median over the rounds of the run.
//
//   end to end  = 1 / throughput                        first route() to the last consumer tally
//   route loop  = the producer's loop in the real run    main thread, consumers on other threads
//     hash      = partition(key, 2)                      fxhash64 of the string key + the modulo
//     claim     = claimOffset(length) + commit()         ring bookkeeping, no bytes written
//     copy      = route() − hash − claim                 key + payload into the ring, checks, counters
//     publish   = route loop − single-thread route()     release stores, waking sleeping
//                                                        consumers, cache lines crossing cores
//   tail        = end to end − route loop                the consumers finishing after the last route()
import { partition, RoutedRecordType, Router } from '@corelane/router';
import { allocateByteRing, ByteRingConsumer, ByteRingProducer } from '@corelane/spsc';
import { median } from '../../harness/stats.js';

/** Records per timed chunk: what a local ring holds with room to spare. */
const CHUNK = 1024;

/** The records a sub-case replays: key i % 1024, payload i. */
export interface BreakdownRecords {
  keys: readonly string[];
  keyBytes: readonly Uint8Array[];
  payloads: readonly Uint8Array[];
}

/** One round's figures, ns per record. */
export interface BreakdownSample {
  endToEnd: number;
  loop: number;
  hash: number;
  claim: number;
  route: number;
}

let sink = 0;
const noop = (offset: number): void => {
  sink = (sink + offset) | 0;
};

/** ns per record of `chunk(from, to)` over every record, timed chunk by chunk, `drain()` between chunks untimed. */
function timeChunks(count: number, chunk: (from: number, to: number) => void, drain: () => void): number {
  let ns = 0;
  for (let from = 0; from < count; from += CHUNK) {
    const to = Math.min(count, from + CHUNK);
    const start = performance.now();
    chunk(from, to);
    ns += (performance.now() - start) * 1e6;
    drain();
  }
  return ns / count;
}

/** The single-thread sub-cases of one round, over `records`, into rings of `ringBytes`. */
export function measureSubCases(
  records: BreakdownRecords,
  targets: number,
  ringBytes: number,
): Pick<BreakdownSample, 'hash' | 'claim' | 'route'> {
  const { keys, keyBytes, payloads } = records;
  const count = payloads.length;
  const hash = timeChunks(
    count,
    (from, to) => {
      let sum = 0;
      for (let i = from; i < to; i++) sum += partition(keys[i & 1023] as string, targets);
      sink = (sink + sum) | 0;
    },
    () => {},
  );

  const rings = Array.from({ length: targets }, () => allocateByteRing({ capacity: ringBytes }));
  const consumers = rings.map((ring) => new ByteRingConsumer(ring));
  const drain = (): void => {
    for (const consumer of consumers) consumer.readOffsets(noop);
  };
  const producer = new ByteRingProducer(rings[0] as SharedArrayBuffer);
  const claim = timeChunks(
    count,
    (from, to) => {
      for (let i = from; i < to; i++) {
        sink =
          (sink + producer.claimOffset(4 + (keyBytes[i & 1023] as Uint8Array).length + 32, RoutedRecordType.STRING)) |
          0;
        producer.commit();
      }
      producer.flush();
    },
    drain,
  );
  producer.close();

  const router = new Router(rings, { policy: 'error' });
  const route = timeChunks(
    count,
    (from, to) => {
      for (let i = from; i < to; i++) router.route(keys[i & 1023] as string, payloads[i] as Uint8Array);
      router.flush();
    },
    drain,
  );
  router.close();
  drain();
  for (const consumer of consumers) consumer.close();
  return { hash, claim, route };
}

/** Rounds of one case, and the description of their medians. */
export class Breakdown {
  readonly #samples: BreakdownSample[] = [];

  add(sample: BreakdownSample): void {
    this.#samples.push(sample);
  }

  /** One sentence of medians, or '' before the first round. */
  describe(): string {
    if (this.#samples.length === 0) return '';
    const m = (pick: (s: BreakdownSample) => number): number => median(this.#samples.map(pick));
    const ns = (value: number): string => `${Math.round(value)}`;
    const endToEnd = m((s) => s.endToEnd);
    const loop = m((s) => s.loop);
    const hash = m((s) => s.hash);
    const claim = m((s) => s.claim);
    const route = m((s) => s.route);
    return (
      ` Ours, ns per record (medians of ${this.#samples.length} samples of this run, measured, not modelled): ` +
      `end to end ${ns(endToEnd)}; the producer's route() loop ${ns(loop)}, of which — from single-thread ` +
      `sub-cases on the same records — hash (partition) ${ns(hash)}, claim (claimOffset + commit) ${ns(claim)}, ` +
      `copy of key + payload and checks ${ns(route - hash - claim)} (single-thread route() ${ns(route)} − hash − claim), ` +
      `publish (release stores, waking consumers, cross-core cache traffic) ${ns(loop - route)} (loop − route()); ` +
      `the consumers finish ${ns(endToEnd - loop)} later (end to end − loop).`
    );
  }
}
