// Where the Router throughput case's nanoseconds per record go, measured in the same run: small
// single-thread sub-cases over the very records of the sample (same keys, payloads, lengths),
// into local rings that this thread drains between chunks (the drains are not counted), next to
// the cross-thread sample's own timings. Every timing is taken per chunk of 1024 records, and a
// speed is the median chunk: a chunk in which another tenant of a shared machine preempted this
// thread does not move it (a CPU-time clock would be better, but process.threadCpuUsage() moves
// in scheduler ticks of milliseconds). Every figure is then a median over the run's rounds.
//
//   end to end  = 1 / throughput                         first route() to the last consumer tally
//   loop        = the producer's route() loop, in all     main thread, consumers on other threads
//     running   = its median chunk                        the producer's speed while it runs
//     stalled   = loop − running                          preempted, or asleep on a full ring
//     target    = TargetCache.get(key)                    how route() finds a key it has seen (a
//                                                         Map lookup: every key of the sample
//                                                         after its first record)
//     hash      = partition(key, 2)                       for scale: fxhash64 of the string key +
//                                                         the modulo, what a key's first record pays
//     claim     = claimOffset(length) + commit()          ring bookkeeping, no bytes written
//     copy      = route() − target − claim                key + payload into the ring, checks, counters
//     floor     = the same bytes by bare stores             for scale: the record's words and bytes
//                                                         stored into a plain shared buffer, target
//                                                         from a Map, no checks, no ring protocol
//     publish   = running − single-thread route()         release stores, Atomics.notify of sleeping
//                                                         consumers, cache lines crossing cores
//   tail        = end to end − loop                       the consumers finishing after the last route()
//   preempted   = the producer's involuntary context switches during its loop (Linux /proc)
//   slept       = the consumers' voluntary context switches: naps (free for the producer) and parks
//                 (a wake each, paid by the producer's publish)
//   peer loop   = the batched peer's loop, posting nothing  for scale: what it pays besides postMessage
import { partition, ROUTED_HEADER_BYTES, RoutedRecordType, Router, TargetCache } from '@corelane/router';
import { copyBytesAt, dataViewOf } from '@corelane/shared';
import { allocateByteRing, ByteRingConsumer, ByteRingProducer } from '@corelane/spsc';
import { median } from '../../harness/stats.js';

/** Bytes of a byte ring's record header (length word, type word), ahead of each payload. */
const SPSC_HEADER_BYTES = 8;

/** Records per timed chunk: what a local ring holds with room to spare. */
export const CHUNK = 1024;

/** The records a sub-case replays: key i % 1024, payload i. */
export interface BreakdownRecords {
  keys: readonly string[];
  keyBytes: readonly Uint8Array[];
  payloads: readonly Uint8Array[];
}

/** One round's figures, ns per record (`blockedWaits`: a count). */
export interface BreakdownSample {
  endToEnd: number;
  loop: number;
  running: number;
  /** A remembered key's target: TargetCache.get(), as route() looks it up. */
  target: number;
  hash: number;
  claim: number;
  route: number;
  /** The same records' bytes stored into a plain shared buffer, nothing checked: what a JS write costs at least. */
  floor: number;
  blockedWaits: number;
  /** Times the producer thread was preempted during its loop (involuntary context switches). */
  preempted: number;
  /** Times the consumer threads slept during the sample, both together (voluntary context switches). */
  consumerSleeps: number;
  /** The batched peer's loop alone (partition + framing, no postMessage), for scale. */
  peerLoop: number;
}

let sink = 0;
const keep = (offset: number): void => {
  sink = (sink + offset) | 0;
};

/**
 * Runs `chunk(from, to)` over records 0..count-1, CHUNK at a time, with `between()` after each
 * (not timed), and returns the ns per record of every chunk.
 */
export function timeChunks(
  count: number,
  chunk: (from: number, to: number) => void,
  between: () => void = () => {},
): number[] {
  const perRecord: number[] = [];
  for (let from = 0; from < count; from += CHUNK) {
    const to = Math.min(count, from + CHUNK);
    const start = performance.now();
    chunk(from, to);
    perRecord.push(((performance.now() - start) * 1e6) / (to - from));
    between();
  }
  return perRecord;
}

/** The single-thread sub-cases of one round, over `records`, into rings of `ringBytes`: median chunks. */
export function measureSubCases(
  records: BreakdownRecords,
  targets: number,
  ringBytes: number,
): Pick<BreakdownSample, 'target' | 'hash' | 'claim' | 'route' | 'floor'> {
  const { keys, keyBytes, payloads } = records;
  const count = payloads.length;
  const hash = timeChunks(count, (from, to) => {
    let sum = 0;
    for (let i = from; i < to; i++) sum += partition(keys[i & 1023] as string, targets);
    keep(sum);
  });
  const cache = new TargetCache();
  for (const key of keys) cache.set(key, partition(key, targets));
  const target = timeChunks(count, (from, to) => {
    let sum = 0;
    for (let i = from; i < to; i++) sum += cache.get(keys[i & 1023] as string);
    keep(sum);
  });

  const rings = Array.from({ length: targets }, () => allocateByteRing({ capacity: ringBytes }));
  const consumers = rings.map((ring) => new ByteRingConsumer(ring));
  const drain = (): void => {
    for (const consumer of consumers) consumer.readOffsets(keep);
  };
  const producer = new ByteRingProducer(rings[0] as SharedArrayBuffer);
  const claim = timeChunks(
    count,
    (from, to) => {
      for (let i = from; i < to; i++) {
        const length = 4 + (keyBytes[i & 1023] as Uint8Array).length + (payloads[i] as Uint8Array).length;
        keep(producer.claimOffset(length, RoutedRecordType.STRING));
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
  return {
    target: median(target),
    hash: median(hash),
    claim: median(claim),
    route: median(route),
    floor: median(bareWrites(records, targets, ringBytes)),
  };
}

/** What the floor sub-case knows of a key: what the Router remembers of it (its remembered-key.ts). */
interface BareKey {
  target: number;
  /** The key length word, then the key's bytes packed in little-endian words. */
  words: Int32Array;
  keyBytes: number;
}

/** The floor sub-case's writer: `writeRange(from, to)` stores records from..to-1; `bytes[t]` holds target t's. */
export interface BareWriter {
  /** Per target, the plain buffer its records are stored in (laid out as a byte ring's data region). */
  readonly bytes: readonly Uint8Array[];
  /** Per target, where its next record goes. */
  readonly tails: Int32Array;
  writeRange(from: number, to: number): void;
}

/**
 * The floor: the stores of route()'s hot path and nothing else. Each record's 8-byte spsc header,
 * its key's packed words and its payload (copied by copyBytesAt(), as route() copies it) go into
 * one plain SharedArrayBuffer per target, laid out as the target's byte ring lays them out, where the next record fits, wrapping to the start; the target comes from a Map. No
 * argument or state checks, no claim, no publish, no reader: what route() costs beyond it is the
 * ring's protocol and its checks.
 */
export function bareWriter(records: BreakdownRecords, targets: number, ringBytes: number): BareWriter {
  const { keys, keyBytes, payloads } = records;
  const known = new Map<string, BareKey>();
  keys.forEach((key, k) => {
    // The length word, then the key's UTF-8 (its ASCII), zero-padded to whole words.
    const utf8 = keyBytes[k] as Uint8Array;
    const words = new Int32Array(1 + ((utf8.length + 3) >> 2));
    words[0] = utf8.length;
    new Uint8Array(words.buffer).set(utf8, ROUTED_HEADER_BYTES);
    known.set(key, { target: partition(key, targets), words, keyBytes: ROUTED_HEADER_BYTES + utf8.length });
  });
  const rings = Array.from({ length: targets }, () => new SharedArrayBuffer(ringBytes));
  const bytes = rings.map((ring) => new Uint8Array(ring));
  const words = rings.map((ring) => new Int32Array(ring));
  const views = bytes.map(dataViewOf);
  const tails = new Int32Array(targets);
  const writeRange = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      const key = known.get(keys[i & 1023] as string) as BareKey;
      const payload = payloads[i] as Uint8Array;
      const t = key.target;
      const length = key.keyBytes + payload.length;
      const size = (SPSC_HEADER_BYTES + length + 7) & ~7;
      let at = tails[t] as number;
      if (at + size > ringBytes) at = 0;
      const w = words[t] as Int32Array;
      const h = at >> 2;
      w[h] = length;
      w[h + 1] = RoutedRecordType.STRING;
      const from = key.words;
      for (let k = 0; k < from.length; k++) w[h + 2 + k] = from[k] as number;
      copyBytesAt(views[t] as DataView, bytes[t] as Uint8Array, at + SPSC_HEADER_BYTES + key.keyBytes, payload);
      tails[t] = at + size;
    }
  };
  return { bytes, tails, writeRange };
}

/** The floor's speed per chunk (ns per record) over every record. */
function bareWrites(records: BreakdownRecords, targets: number, ringBytes: number): number[] {
  return timeChunks(records.payloads.length, bareWriter(records, targets, ringBytes).writeRange);
}

/** Rounds of one case, and the description of their medians. */
export class Breakdown {
  readonly #samples: BreakdownSample[] = [];

  add(sample: BreakdownSample): void {
    this.#samples.push(sample);
  }

  /** One paragraph of medians, or '' before the first round. */
  describe(): string {
    // The first sample is the runner's warm-up round: left out, as the runner leaves it out.
    const samples = this.#samples.length > 1 ? this.#samples.slice(1) : this.#samples;
    if (samples.length === 0) return '';
    const m = (pick: (s: BreakdownSample) => number): number => median(samples.map(pick));
    const ns = (value: number): string => `${Math.round(value)}`;
    const endToEnd = m((s) => s.endToEnd);
    const loop = m((s) => s.loop);
    const running = m((s) => s.running);
    const target = m((s) => s.target);
    const hash = m((s) => s.hash);
    const claim = m((s) => s.claim);
    const route = m((s) => s.route);
    return (
      ` Ours, ns per record, medians of ${samples.length} samples of this run (measured, not modelled; ` +
      `speeds are median chunks of ${CHUNK} records): end to end ${ns(endToEnd)}; the producer's route() loop ` +
      `${ns(loop)}, running at ${ns(running)} and stalled ${ns(loop - running)} (preempted, or asleep on a full ` +
      `ring: ${ns(m((s) => s.blockedWaits))} waits per sample; preempted ${ns(m((s) => s.preempted))} times per ` +
      `sample, while the consumers slept ${ns(m((s) => s.consumerSleeps))} times: naps of ~50-100 µs, which cost ` +
      'the producer nothing, and parks, which cost it a wake each). Running, from single-thread sub-cases on the ' +
      `same records: the target of a key seen before (TargetCache.get, a Map lookup) ${ns(target)} — a key's ` +
      `first record hashes it instead (partition: ${ns(hash)}) —, claim (claimOffset + commit) ${ns(claim)}, ` +
      `copy of key + payload and checks ${ns(route - target - claim)} (single-thread route() ${ns(route)} − ` +
      `target − claim; the same bytes stored bare, with no check and no ring protocol: ${ns(m((s) => s.floor))}), ` +
      `publish (release stores, waking sleeping consumers, cache lines crossing cores) ${ns(running - route)} ` +
      `(running − route()). The consumers finish ${ns(endToEnd - loop)} after the last route(). For scale, ` +
      `the batched peer's own loop on the same records (partition + framing, a port that posts nothing) runs ` +
      `at ${ns(m((s) => s.peerLoop))}.`
    );
  }
}
