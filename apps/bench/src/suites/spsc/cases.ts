import { median } from '../../harness/stats.js';
import type { BenchCase, CaseContext, CaseRun, Unavailable } from '../../harness/suite.js';
import { unavailable } from '../../harness/suite.js';
import { PostMessagePair } from '../../peers/postmessage.js';
import type { Transport } from '../../workers/spsc.js';
import { type NativePeers, nativePeers, perSecond, runNative } from './native-peers.js';
import { SpscPair } from './pair.js';

/** What a stream moves: 4-byte values one at a time, in batches of 256, or records of a size. */
type Workload = 'item' | 'batch' | 'record';

/** Items per sample, quick and full, per workload. */
function countFor(workload: Workload, size: number, quick: boolean): number {
  const full = workload === 'item' ? 8_000_000 : workload === 'batch' ? 40_000_000 : size <= 32 ? 4_000_000 : 1_000_000;
  return quick ? full / 4 : full;
}

const OURS: Record<Workload, Transport> = { item: 'ours-item', batch: 'ours-batch', record: 'ours-record' };
const OURS_NAME: Record<Workload, string> = {
  item: 'RingProducer.push / RingConsumer.pop',
  batch: 'pushMany / popMany of 256',
  record: 'ByteRingProducer.write / ByteRingConsumer.read',
};

/** The peer side of a stream case: how it measures one sample, given the case's item count. */
interface StreamPeer {
  key: string;
  name: string;
  /** A reason when the peer cannot run here, else a sampler. */
  prepare(pair: SpscPair, count: number, capMs: number): Promise<((count: number) => Promise<number>) | string>;
  /** Items per sample for this peer, when it differs (a slow peer gets fewer). */
  count?: (count: number) => number;
  teardown?: () => Promise<void>;
  target?: string | undefined;
}

function jsPeer(key: string, name: string, transport: Transport, size: number, target?: string): StreamPeer {
  return {
    key,
    name,
    target,
    prepare: async (pair, _count, capMs) => (count) => pair.stream(transport, count, size, capMs),
  };
}

function nativePeer(impl: 'boost' | 'twin', workload: Workload, size: number, target?: string): StreamPeer {
  return {
    key: impl === 'boost' ? 'boost' : 'C++ twin',
    name:
      impl === 'boost'
        ? `C++ boost::lockfree::spsc_queue${workload === 'batch' ? ' push/pop of 256' : ''}`
        : `C++ twin (@corelane/spsc headers)${workload === 'batch' ? ' push_many/drain of 256' : ''}`,
    target,
    prepare: async () => {
      const peers = await nativePeers();
      if (typeof peers === 'string') return peers;
      if (impl === 'boost' && !peers.boost) return 'boost headers are not installed (Debian package libboost-dev)';
      return async (count) => perSecond(await runNative(peers as NativePeers, impl, workload, count, size));
    },
  };
}

function postMessagePerMessage(): StreamPeer {
  let pm: PostMessagePair | undefined;
  return {
    key: 'postMessage',
    name: 'postMessage, one number per message',
    target: '>= 100x',
    // postMessage moves ~0.06-1 M msgs/s: a sample of the ring's size would take minutes
    count: (count) => Math.max(2_000, Math.round(count / 100)),
    prepare: async (_pair, _count, capMs) => {
      pm = await PostMessagePair.start({ cpus: null });
      const started = pm;
      return async (count) => (await started.stream(count, capMs)).perSecond;
    },
    teardown: async () => {
      await pm?.close();
    },
  };
}

/**
 * What a case measured beside its two sides in this run (a floor, the timer), by series, for its
 * description: read after the rounds, so medians over the run's samples (the warm-up's included).
 */
class SampleLog {
  #series = new Map<string, number[]>();
  reset(): void {
    this.#series.clear();
  }
  add(series: string, value: number): void {
    const values = this.#series.get(series);
    if (values) values.push(value);
    else this.#series.set(series, [value]);
  }
  /** The series' median, or undefined before its first sample. */
  median(series: string): number | undefined {
    const values = this.#series.get(series);
    return values && values.length > 0 ? median(values) : undefined;
  }
  count(series: string): number {
    return this.#series.get(series)?.length ?? 0;
  }
}

const millions = (perSecond: number) => `${(perSecond / 1e6).toFixed(0)} M/s`;

/**
 * The 4 B batched case's floor against `peerKey`: @corelane/spsc's protocol written bare in the
 * bench with the same per-item fill and check loops (workers/spsc.ts, 'bare-batch'), so the
 * report says how much of the gap to a C++ peer is the library and how much is a JS thread's loops.
 */
function batchFloorText(log: SampleLog, peerKey: string): string {
  const ours = log.median('ours');
  const bare = log.median('bare');
  const peer = log.median('peer');
  if (ours === undefined || bare === undefined || peer === undefined) return '';
  return (
    ` In this run (medians of ${log.count('bare')} samples): ours ${millions(ours)}, ${peerKey} ${millions(peer)}; the ` +
    'same protocol written bare in the bench (no class, no checks: set() in, a plain loop out, the same fill and ' +
    `check loops) ${millions(bare)}, ${(bare / peer).toFixed(2)}x ${peerKey}` +
    (bare <= ours * 1.05
      ? ": ours is at least as fast as the bare ring (within 5 %), so what is left of the gap is a JS thread's per-item loops and the " +
        'cache lines they pull across cores, not the library.'
      : `: the bare ring is ${(bare / ours).toFixed(2)}x ours, that much is the library's.`)
  );
}

function label(workload: Workload, size: number): string {
  return workload === 'item' ? '4B per item' : workload === 'batch' ? '4B batched' : `${size}B records`;
}

/** One stream case: ours (JS worker → JS worker) against `peer`, items (or records) per second. */
function streamCase(workload: Workload, size: number, peer: StreamPeer, withFloor = false): BenchCase {
  const what = label(workload, size);
  const floor = withFloor ? new SampleLog() : null;
  const description =
    `A producer thread streams ${what === '4B per item' || what === '4B batched' ? 'consecutive int32 values' : `${size}-byte records`} ` +
    `to a consumer thread that checks each one; items per second from the first to the last received. Ours: two ` +
    `worker_threads over a @corelane/spsc ring. Peer: ${peer.name}, same ring capacity where it has one.`;
  return {
    name: `${what} vs ${peer.key}`,
    metric: `${workload === 'record' ? 'records' : 'items'} through the ring${peer.target ? ` (target ${peer.target})` : ''}`,
    unit: 'msgs/s',
    higherIsBetter: true,
    ours: `@corelane/spsc ${OURS_NAME[workload]}`,
    peer: peer.name,
    budgetMs: { quick: 15_000, full: 60_000 },
    get description() {
      return floor ? `${description}${batchFloorText(floor, peer.key)}` : description;
    },
    async setup(ctx: CaseContext): Promise<CaseRun | Unavailable> {
      const count = countFor(workload, size, ctx.quick);
      floor?.reset();
      const capMs = ctx.budgetMs / 2;
      const pair = await SpscPair.start();
      let sample: ((count: number) => Promise<number>) | string;
      try {
        sample = await peer.prepare(pair, count, capMs);
      } catch (error) {
        await Promise.allSettled([pair.close(), peer.teardown?.()]);
        throw error;
      }
      if (typeof sample === 'string') {
        await Promise.allSettled([pair.close(), peer.teardown?.()]);
        return unavailable(sample);
      }
      const peerSample = sample;
      const peerCount = peer.count ? peer.count(count) : count;
      // The floor runs in workers of its own: ours's workers see only ours's code.
      const floorPair = floor
        ? await SpscPair.start().catch(async (error) => {
            await Promise.allSettled([pair.close(), peer.teardown?.()]);
            throw error;
          })
        : null;
      return {
        ours: async () => {
          const ours = await pair.stream(OURS[workload], count, size, capMs);
          if (floor && floorPair) {
            floor.add('ours', ours);
            floor.add('bare', await floorPair.stream('bare-batch', count, size, capMs));
          }
          return ours;
        },
        peer: async () => {
          const value = await peerSample(peerCount);
          floor?.add('peer', value);
          return value;
        },
        teardown: async () => {
          await Promise.allSettled([pair.close(), floorPair?.close(), peer.teardown?.()]);
        },
      };
    },
  };
}

/**
 * The JS ping-pong case's floor: the same protocol written bare in the bench (workers/spsc.ts,
 * bareRingPingPong) and the timer's own share, so the report says how much of a round trip is
 * the library.
 */
function pingPongFloorText(log: SampleLog, stat: 'median' | 'p99'): string {
  const ours = log.median('ours');
  const bare = log.median('bare');
  const timer = log.median('timer');
  const peer = log.median('peer');
  if (ours === undefined || bare === undefined || timer === undefined || peer === undefined) return '';
  const ns = (x: number) => `${x.toFixed(0)} ns`;
  return (
    ` In this run (each sample's ${stat}, medians of ${log.count('bare')} samples): ours ${ns(ours)}, ringbuf.js ${ns(peer)}; the same ` +
    `protocol written bare in the bench (no class, no checks, no wait line) ${ns(bare)}, of which the timer (two ` +
    `back-to-back performance.now()) is ${ns(timer)}. The bare ring against ringbuf.js: ${(peer / bare).toFixed(2)}x, ` +
    'what the protocol itself reaches from JS on this machine.'
  );
}

/** Ping-pong of one value between two threads: median or p99 round trip, ours against `peer`. */
function pingPongCase(stat: 'median' | 'p99', peerImpl: 'twin' | 'rb', target?: string): BenchCase {
  const peerName = peerImpl === 'twin' ? 'C++ twin, two native threads' : 'ringbuf.js, two worker_threads';
  const floor = peerImpl === 'rb' ? new SampleLog() : null;
  const description =
    'One thread pushes a value into ring A, the other pops it and pushes it back through ring B, both spinning; ' +
    `the first times every round trip and reports the ${stat}. Ours publishes every push (publishEvery 1); its ` +
    'consumer hands slots back when its ring looks empty (at the latest every 64 pops), and an empty pop() reads ' +
    'the slot the next value lands in. Where a one-way trip goes: the producer stores the value and then the tail ' +
    '(a seq-cst store: it waits to own both cache lines), the consumer misses on the tail line (the value line is ' +
    'already fresh); each JS sample also pays about 50 ns for performance.now() itself.';
  return {
    name: `ping-pong ${stat} vs ${peerImpl === 'twin' ? 'C++ twin' : 'ringbuf.js'}`,
    metric: `round trip, ${stat}${target ? ` (target ${target})` : ''}`,
    unit: 'ns',
    higherIsBetter: false,
    ours: '@corelane/spsc, two worker_threads',
    peer: peerName,
    budgetMs: { quick: 15_000, full: 60_000 },
    get description() {
      return floor ? `${description}${pingPongFloorText(floor, stat)}` : description;
    },
    async setup(ctx: CaseContext): Promise<CaseRun | Unavailable> {
      const count = ctx.quick ? 5_000 : 20_000;
      const capMs = ctx.budgetMs / 2;
      let peers: NativePeers | undefined;
      if (peerImpl === 'twin') {
        const built = await nativePeers();
        if (typeof built === 'string') return unavailable(built);
        peers = built;
      }
      const pair = await SpscPair.start();
      const native = peers;
      floor?.reset();
      // The floor runs in workers of its own: ours's workers see only ours's code.
      const floorPair = floor
        ? await SpscPair.start().catch(async (error) => {
            await pair.close();
            throw error;
          })
        : null;
      return {
        ours: async () => {
          const ours = (await pair.pingPong('ours', count, capMs))[stat];
          if (floor && floorPair) {
            floor.add('ours', ours);
            floor.add('bare', (await floorPair.pingPong('bare', count, capMs))[stat]);
            floor.add('timer', await floorPair.timerInterval(count));
          }
          return ours;
        },
        peer: async () => {
          if (native) return (await runNative(native, 'twin', 'pingpong', count * 4))[stat];
          const peer = (await pair.pingPong('rb', count, capMs))[stat];
          floor?.add('peer', peer);
          return peer;
        },
        teardown: async () => {
          await Promise.allSettled([pair.close(), floorPair?.close()]);
        },
      };
    },
  };
}

/**
 * Wake-ups: a native producer (the C++ twin, lockstep) into a JS consumer that parks on every
 * record, against the twin doing the same natively. Every record costs one futex sleep and one
 * FUTEX_WAKE, so this measures how fast a native peer reaches a sleeping JS side.
 */
function nativeParkCase(size: number): BenchCase {
  return {
    name: `${size}B records, consumer parks per record, native → JS vs C++ twin`,
    metric: 'records through the ring, one sleep + wake each',
    unit: 'msgs/s',
    higherIsBetter: true,
    ours: 'C++ twin producer thread → @corelane/spsc ByteRingConsumer in a worker, waitReadable() per record',
    peer: 'C++ twin producer thread → C++ twin consumer thread, futex park per record',
    budgetMs: { quick: 15_000, full: 60_000 },
    description:
      `A native producer thread writes ${size}-byte records in lockstep: record i only once the consumer has taken ` +
      'every record and announced a sleep; the consumer reads one record, then sleeps until the next. Ours: the JS ' +
      'consumer sleeps in futex(2) through the addon, woken by the native FUTEX_WAKE (before, a JS side waiting on a ' +
      'native peer polled in 1 ms slices: ~2 K records/s). Peer: the same with a native consumer thread.',
    async setup(ctx: CaseContext): Promise<CaseRun | Unavailable> {
      const count = ctx.quick ? 5_000 : 20_000;
      const capMs = ctx.budgetMs / 2;
      const peers = await nativePeers();
      if (typeof peers === 'string') return unavailable(peers);
      const pair = await SpscPair.start();
      return {
        ours: () => pair.stream('ours-native-park', count, size, capMs),
        peer: async () => perSecond(await runNative(peers, 'twin', 'park', count, size)),
        teardown: () => pair.close(),
      };
    },
  };
}

/**
 * Records of varying length (8..size bytes), built and read in place: `claimOffset()` /
 * `readOffsets()` into one reusable view, against `claim()` / `read()`, which hand a view per
 * record (cached per position, so a view is allocated whenever a position sees a new length).
 */
function inPlaceCase(size: number): BenchCase {
  return {
    name: `8..${size}B records in place vs views`,
    metric: 'records through the ring',
    unit: 'msgs/s',
    higherIsBetter: true,
    ours: '@corelane/spsc claimOffset / readOffsets (offsets into one view)',
    peer: '@corelane/spsc claim / read (a view per record)',
    budgetMs: { quick: 15_000, full: 60_000 },
    description:
      `A producer thread claims records of 8 to ${size} bytes (record i: 8 + (i * 7) % ${size - 7}), writes the ` +
      'first and last payload byte and commits; the consumer checks both. Ours: claimOffset() and readOffsets(), ' +
      "offsets into the sides' one data view, no allocation per record. Peer: claim() and read(), a Uint8Array " +
      'view per record (reused per position while the length there stays the same).',
    async setup(ctx: CaseContext): Promise<CaseRun | Unavailable> {
      const count = countFor('record', 32, ctx.quick);
      const capMs = ctx.budgetMs / 2;
      const pair = await SpscPair.start();
      return {
        ours: () => pair.stream('ours-varying-offsets', count, size, capMs),
        peer: () => pair.stream('ours-varying-views', count, size, capMs),
        teardown: () => pair.close(),
      };
    },
  };
}

/** Every case of the suite, in order. */
export const spscCases: BenchCase[] = [
  streamCase('item', 4, postMessagePerMessage()),
  streamCase('item', 4, jsPeer('ringbuf.js', 'ringbuf.js push/pop of one element', 'rb-item', 4, '>= 2x')),
  streamCase('item', 4, nativePeer('boost', 'item', 4)),
  streamCase('item', 4, nativePeer('twin', 'item', 4)),
  streamCase('batch', 4, jsPeer('postMessage batched', 'postMessage of transferred Int32Array(256)', 'pm-batch', 4)),
  streamCase('batch', 4, jsPeer('ringbuf.js', 'ringbuf.js push/pop of 256', 'rb-batch', 4, '>= 1x')),
  streamCase('batch', 4, nativePeer('boost', 'batch', 4, '>= 0.5x'), true),
  streamCase('batch', 4, nativePeer('twin', 'batch', 4)),
  streamCase(
    'record',
    32,
    jsPeer('ringbuf.js', 'ringbuf.js Uint8Array ring, 32 bytes per push/pop', 'rb-record', 32, '>= 2x'),
  ),
  streamCase('record', 32, nativePeer('boost', 'record', 32)),
  streamCase('record', 32, nativePeer('twin', 'record', 32)),
  streamCase(
    'record',
    256,
    jsPeer('ringbuf.js', 'ringbuf.js Uint8Array ring, 256 bytes per push/pop', 'rb-record', 256, '>= 2x'),
  ),
  streamCase('record', 256, nativePeer('boost', 'record', 256)),
  pingPongCase('median', 'twin', '<= 3x'),
  pingPongCase('p99', 'twin'),
  pingPongCase('median', 'rb', '>= 2x'),
  inPlaceCase(64),
  nativeParkCase(32),
];
