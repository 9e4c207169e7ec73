// Router throughput: the same keyed records routed from this thread to the same consumer worker
// threads, by a Router into @corelane/spsc byte rings, vs postMessage — one message per record,
// and batches of records in transferred buffers (what a Node user would do without shared
// memory). Both sides pick the target with partition(key, n), send the same bytes per record
// (u32 key length, key, payload), and the consumers count and checksum every record the same
// way (src/workers/router.ts); every sample is checked per consumer against the expected
// count and checksum.
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { partition, Router } from '@corelane/router';
import { allocateByteRing, ByteRingProducer } from '@corelane/spsc';
import { median } from '../../harness/stats.js';
import type { BenchCase, CaseContext } from '../../harness/suite.js';
import { terminateAll, WorkerHandle } from '../../harness/worker.js';
import { Breakdown, measureSubCases, timeChunks } from './breakdown.js';
import { contextSwitches } from './context-switches.js';
import { stringKeys } from './keys.js';
import { type Placement, place, unplace } from './placement.js';
import { type ConsumerTally, checksumRecord } from './tally.js';

/**
 * Consumer workers (targets). Two, on the 2-vCPU machines this runs on: they share the CPU the
 * producer does not use (placement.ts).
 */
const CONSUMERS = 2;
/** Bytes of every record's payload; its first 4 hold the record's sequence number. */
const PAYLOAD_BYTES = 32;
/**
 * Records per message of the batched peer: the ring producers' default publish batch (64), so
 * both sides make records visible to a consumer 64 at a time.
 */
const BATCH = 64;
/**
 * A pause before each sample, untimed, the same for every side: without it the concurrent GC
 * work the per-record peer's ~200,000 messages leave behind (in this thread and in the consumers)
 * ran during the next sample. Measured, interleaved, in the per-record case: ours 1.8-2.0 M
 * records/s with no pause (the consumers finished 82-297 ns per record after the last route()),
 * 4.9-8.2 M with 200 ms (2-3 ns); the peer 0.25-0.29 M vs 0.28-0.39 M. (A forced gc() per
 * sample instead made things worse: V8 then deoptimized the code that had embedded the previous
 * sample's objects, "embedded weak objects cleared", and route() ran 2x slower.)
 */
const SETTLE_MS = 200;
/**
 * Untimed rounds (ours, then the peer) in setup, on top of the runner's warm-up round. Both sides
 * were still getting faster over their first 3-4 samples (ours' route() loop 85-125 ms, then
 * 30-50; the batched peer's 100-130 ms, then 55-90; full runs, pinned), and a batched sample is
 * short: the recorded rounds measured the JIT warming up, ours more than the peer.
 */
const WARM_ROUNDS = 3;
/** Bytes of each target's ring. */
const RING_BYTES = 256 * 1024;

/** The records of one sample: record i has key `keys[i % keys.length]` and payload `payloads[i]`. */
interface Records {
  keys: string[];
  /** The keys' UTF-8 bytes, encoded once: the postMessage peers copy them instead of encoding. */
  keyBytes: Uint8Array[];
  payloads: Uint8Array[];
  /** Per target: how many records it must receive, and their checksum. */
  expected: ConsumerTally[];
}

function makeRecords(count: number): Records {
  const keys = stringKeys(1024).keys as string[];
  const encoder = new TextEncoder();
  const keyBytes = keys.map((key) => encoder.encode(key));
  const expected = Array.from({ length: CONSUMERS }, () => ({ count: 0, checksum: 0 }));
  const payloads: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const payload = new Uint8Array(PAYLOAD_BYTES);
    new DataView(payload.buffer).setUint32(0, i, true);
    for (let j = 4; j < PAYLOAD_BYTES; j++) payload[j] = (i + j) & 0xff;
    payloads.push(payload);
    const key = keyBytes[i % keys.length] as Uint8Array;
    const record = new Uint8Array(4 + key.length + PAYLOAD_BYTES);
    record[0] = key.length;
    record.set(key, 4);
    record.set(payload, 4 + key.length);
    const tally = expected[partition(keys[i % keys.length] as string, CONSUMERS)] as ConsumerTally;
    tally.count++;
    tally.checksum = (tally.checksum + checksumRecord(record, 0)) | 0;
  }
  return { keys, keyBytes, payloads, expected };
}

/** Resolves once `ready()` holds (checked every millisecond), or rejects after `timeoutMs`. */
async function until(ready: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!ready()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** Resolves with the first message `port` receives, or rejects after `timeoutMs`. */
function firstMessage(port: MessagePort, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out waiting for a port consumer to listen')), timeoutMs);
    port.once('message', (message: unknown) => {
      clearTimeout(timer);
      resolve(message);
    });
  });
}

function check(tallies: ConsumerTally[], records: Records, what: string): void {
  tallies.forEach((tally, t) => {
    const want = records.expected[t] as ConsumerTally;
    if (tally.count !== want.count || tally.checksum !== want.checksum) {
      throw new Error(
        `${what}: consumer ${t} got ${tally.count} records (checksum ${tally.checksum}), expected ${want.count} (${want.checksum})`,
      );
    }
  });
}

/** Writes records into one target's batch buffer as frames `[u32 length][record]`, posting every BATCH. */
class BatchWriter {
  #buffer = new ArrayBuffer(0);
  #bytes = new Uint8Array(0);
  #at = 0;
  #records = 0;

  constructor(
    readonly port: MessagePort,
    readonly frameBytes: number,
  ) {
    this.#fresh();
  }

  #fresh(): void {
    this.#buffer = new ArrayBuffer(BATCH * this.frameBytes);
    this.#bytes = new Uint8Array(this.#buffer);
    this.#at = 0;
    this.#records = 0;
  }

  add(key: Uint8Array, payload: Uint8Array): void {
    const bytes = this.#bytes;
    const at = this.#at;
    const length = 4 + key.length + payload.length;
    bytes[at] = length;
    bytes[at + 1] = length >>> 8;
    bytes[at + 4] = key.length;
    bytes.set(key, at + 8);
    bytes.set(payload, at + 8 + key.length);
    this.#at = at + 4 + length;
    if (++this.#records === BATCH) this.flush();
  }

  flush(): void {
    if (this.#records === 0) return;
    this.port.postMessage(new Uint8Array(this.#buffer, 0, this.#at), [this.#buffer]);
    this.#fresh();
  }
}

type Side = 'ring' | 'message' | 'batch';

/** The consumer workers, started once per case. */
class Rig {
  private constructor(
    readonly workers: WorkerHandle[],
    readonly records: Records,
    readonly capMs: number,
    readonly breakdown: Breakdown,
    readonly placement: Placement,
  ) {}

  static async start(ctx: CaseContext, breakdown: Breakdown): Promise<Rig> {
    const started = await Promise.allSettled(
      Array.from({ length: CONSUMERS }, () => WorkerHandle.start('router', 10_000)),
    );
    const workers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    if (workers.length !== CONSUMERS) {
      await terminateAll(workers);
      throw (started.find((s) => s.status === 'rejected') as PromiseRejectedResult).reason;
    }
    let placement: Placement;
    try {
      placement = await place(workers, 10_000);
    } catch (error) {
      await terminateAll(workers);
      throw error;
    }
    const count = ctx.quick ? 40_000 : 200_000;
    return new Rig(workers, makeRecords(count), Math.max(5_000, ctx.budgetMs / 2), breakdown, placement);
  }

  /** Routes every record once through `side`: records per second, from the first record sent to the last tally. */
  /** `recorded: false` for a warm-up round: it adds nothing to the breakdown. */
  async sample(side: Side, recorded = true): Promise<number> {
    const { keys, keyBytes, payloads } = this.records;
    const count = payloads.length;
    const timeout = this.capMs + 5_000;
    // Untimed: the garbage collector finishes what the sample before left (the per-record peer
    // leaves ~200,000 messages in this thread and the consumers), instead of running during this one.
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    let tallies: Promise<ConsumerTally>[];
    let start: number;
    let loopEnd = 0;
    let chunks: number[] = [];
    let blockedWaits = 0;
    let preempted = 0;
    if (side === 'ring') {
      const rings = Array.from({ length: CONSUMERS }, () => allocateByteRing({ capacity: RING_BYTES }));
      tallies = rings.map((ring, t) =>
        (this.workers[t] as WorkerHandle).call<ConsumerTally>('ring', { ring, capMs: this.capMs }, [], timeout),
      );
      // The clock starts once every consumer has attached (and waits for records), as the
      // peer's starts once every consumer listens: a consumer's start is not what is measured.
      const producers = rings.map((ring) => new ByteRingProducer(ring));
      await until(() => producers.every((producer) => producer.peerAttached), timeout, 'the ring consumers to attach');
      const switches = contextSwitches().involuntary;
      start = performance.now();
      const router = new Router(producers, { policy: 'block', timeoutMs: this.capMs });
      // Timed in chunks too (one clock read per 1024 records), for the breakdown's running speed.
      chunks = timeChunks(count, (from, to) => {
        for (let i = from; i < to; i++) router.route(keys[i & 1023] as string, payloads[i] as Uint8Array);
      });
      router.close(); // publishes the rest; the producers handed in stay open
      for (const producer of producers) producer.close();
      loopEnd = performance.now();
      preempted = contextSwitches().involuntary - switches;
      blockedWaits = router.stats().reduce((sum, s) => sum + s.blockedWaits, 0);
    } else {
      const channels = Array.from({ length: CONSUMERS }, () => new MessageChannel());
      tallies = channels.map(({ port2 }, t) =>
        (this.workers[t] as WorkerHandle).call<ConsumerTally>(
          'port',
          { port: port2, batched: side === 'batch', capMs: this.capMs },
          [port2],
          timeout,
        ),
      );
      const ports = channels.map(({ port1 }) => port1);
      // Each consumer says 'ready' once it listens (see src/workers/router.ts): then the clock starts.
      await Promise.all(ports.map((port) => firstMessage(port, timeout)));
      start = performance.now();
      if (side === 'message') {
        for (let i = 0; i < count; i++) {
          const key = keyBytes[i & 1023] as Uint8Array;
          const record = new Uint8Array(4 + key.length + PAYLOAD_BYTES);
          record[0] = key.length;
          record.set(key, 4);
          record.set(payloads[i] as Uint8Array, 4 + key.length);
          (ports[partition(keys[i & 1023] as string, CONSUMERS)] as MessagePort).postMessage(record);
        }
      } else {
        const writers = ports.map((port) => new BatchWriter(port, 8 + 64 + PAYLOAD_BYTES));
        for (let i = 0; i < count; i++) {
          const writer = writers[partition(keys[i & 1023] as string, CONSUMERS)] as BatchWriter;
          writer.add(keyBytes[i & 1023] as Uint8Array, payloads[i] as Uint8Array);
        }
        for (const writer of writers) writer.flush();
      }
      for (const port of ports) port.postMessage(null);
      for (const port of ports) port.close();
    }
    const results = await Promise.all(tallies);
    const elapsed = performance.now() - start;
    check(results, this.records, side);
    if (side === 'ring' && recorded) {
      // After the timed part: the same records through the single-thread sub-cases.
      const perRecord = (ms: number): number => (ms * 1e6) / count;
      this.breakdown.add({
        endToEnd: perRecord(elapsed),
        loop: perRecord(loopEnd - start),
        running: median(chunks),
        blockedWaits,
        preempted,
        consumerSleeps: results.reduce((sum, tally) => sum + (tally.sleeps ?? 0), 0),
        ...measureSubCases(this.records, CONSUMERS, RING_BYTES),
        peerLoop: this.#batchLoopAlone(),
      });
    }
    return count / (elapsed / 1000);
  }

  /**
   * For scale, in the breakdown: the batched peer's own loop on the same records — partition(),
   * framing into its buffers, a fresh buffer every 64 — with a port that posts nothing, so what
   * is left of its time in the real sample is postMessage and its consumers. Median chunk, ns.
   */
  #batchLoopAlone(): number {
    const { keys, keyBytes, payloads } = this.records;
    const silent = { postMessage: () => {} } as unknown as MessagePort;
    const writers = Array.from({ length: CONSUMERS }, () => new BatchWriter(silent, 8 + 64 + PAYLOAD_BYTES));
    const chunks = timeChunks(payloads.length, (from, to) => {
      for (let i = from; i < to; i++) {
        const writer = writers[partition(keys[i & 1023] as string, CONSUMERS)] as BatchWriter;
        writer.add(keyBytes[i & 1023] as Uint8Array, payloads[i] as Uint8Array);
      }
    });
    return median(chunks);
  }

  close(): Promise<void> {
    unplace(this.placement);
    return terminateAll(this.workers);
  }
}

/** Router throughput vs postMessage, one message per record (`batched: false`) or 64 records per transferred buffer. */
export function routerVsPostMessage(batched: boolean): BenchCase {
  const peerSide: Side = batched ? 'batch' : 'message';
  const breakdown = new Breakdown();
  /** Where the threads ran (placement.ts), once set up. */
  let placement = '';
  const description =
    `Records of a short string key and a ${PAYLOAD_BYTES}-byte payload (200,000 per sample, 40,000 quick) sent from the main ` +
    `thread to ${CONSUMERS} consumer worker threads, each record to partition(key, ${CONSUMERS}) (1,024 distinct ` +
    'keys, each seen again and again). Ours calls Router.route(key, payload) once per record, into one ' +
    '@corelane/spsc byte ring per consumer (claimOffset: one data view, an offset per record); the Router ' +
    "remembers each string key's target and its bytes, so a key seen before costs a Map lookup, not a hash, and " +
    'is copied as the few words packed from its UTF-16 units the first time. ' +
    'Consumers read in place with a RoutedReader (whose waitReadable() naps up to 0.5 ms before it parks, its ' +
    'default). Peer: postMessage to one MessagePort per consumer, ' +
    `${batched ? `${BATCH} records per message in a transferred buffer` : 'one record per message'}, target from ` +
    'partition(key, 2) per record; it copies pre-encoded key bytes. Both consumers count and checksum every record, checked per consumer after each sample. Time: first ' +
    'record sent to last consumer tally; the clock starts once every consumer is attached to its ring (ours) or ' +
    'listens on its port (peer), so neither side counts a consumer starting up, and after an untimed pause of ' +
    `${SETTLE_MS} ms in which the garbage of the sample before is collected. Before the runner's warm-up round, ` +
    `${WARM_ROUNDS} untimed rounds of each side (both were still warming up over their first samples).`;
  return {
    name: `Router throughput, short string keys + 32 B, 2 consumer threads, vs postMessage ${batched ? 'batched' : 'per record'}`,
    metric: 'records routed',
    unit: 'records/s',
    higherIsBetter: true,
    ours: "Router.route(key, payload) per record into 2 spsc byte rings (policy 'block')",
    peer: batched
      ? `postMessage: ${BATCH} records per message in a transferred ArrayBuffer, per target`
      : 'postMessage: one message (a Uint8Array) per record',
    budgetMs: { quick: 20_000, full: 60_000 },
    /** The fixed text, then where ours spent its time in this run (see breakdown.ts). */
    get description() {
      return `${description} ${placement}${breakdown.describe()}`;
    },
    async setup(ctx) {
      const rig = await Rig.start(ctx, breakdown);
      for (let i = 0; i < WARM_ROUNDS; i++) {
        await rig.sample('ring', false);
        await rig.sample(peerSide, false);
      }
      placement = rig.placement.describe();
      return {
        ours: () => rig.sample('ring'),
        peer: () => rig.sample(peerSide),
        teardown: () => rig.close(),
      };
    },
  };
}
