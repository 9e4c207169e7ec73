import { MessageChannel } from 'node:worker_threads';
import { allocateByteRing, allocateRing } from '@corelane/spsc';
import { RingBuffer } from 'ringbuf.js';
import { terminateAll, WorkerHandle } from '../../harness/worker.js';
import type { PingArgs, PingResult, StreamArgs, StreamResult, Transport } from '../../workers/spsc.js';

/** Slots of every 4-byte ring in this suite (ours, ringbuf.js, boost, the C++ twin). */
export const SLOTS = 16_384;
/** Bytes of every record ring in this suite. */
export const RECORD_BYTES = 1 << 20;

/** A fresh channel for one sample of `transport`. */
function channelFor(transport: Transport): { produce: StreamArgs['channel']; consume: StreamArgs['channel'] } {
  let ring: SharedArrayBuffer;
  if (transport === 'pm-batch') {
    const { port1, port2 } = new MessageChannel();
    return { produce: port1, consume: port2 };
  }
  if (transport === 'ours-item' || transport === 'ours-batch') ring = allocateRing({ capacity: SLOTS });
  else if (transport === 'bare-batch')
    ring = new SharedArrayBuffer(512 + SLOTS * 4); // workers/spsc.ts's bare ring
  else if (transport === 'ours-record' || transport.startsWith('ours-varying') || transport === 'ours-native-park') {
    ring = allocateByteRing({ capacity: RECORD_BYTES });
  } else if (transport === 'rb-record') ring = RingBuffer.getStorageForCapacity(RECORD_BYTES, Uint8Array);
  else ring = RingBuffer.getStorageForCapacity(SLOTS, Int32Array);
  return { produce: ring, consume: ring };
}

/**
 * Two bench workers (dist/workers/spsc.js): a producer → consumer stream, or a ping-pong pair.
 * Each sample gets a fresh ring or MessageChannel. Always `close()` it (in teardown).
 */
export class SpscPair {
  readonly #a: WorkerHandle;
  readonly #b: WorkerHandle;

  private constructor(a: WorkerHandle, b: WorkerHandle) {
    this.#a = a;
    this.#b = b;
  }

  static async start(timeoutMs = 10_000): Promise<SpscPair> {
    const started = await Promise.allSettled([
      WorkerHandle.start('spsc', timeoutMs),
      WorkerHandle.start('spsc', timeoutMs),
    ]);
    const [a, b] = started.map((s) => (s.status === 'fulfilled' ? s.value : undefined));
    if (!a || !b) {
      await terminateAll([a, b]);
      throw (started.find((s) => s.status === 'rejected') as PromiseRejectedResult).reason;
    }
    return new SpscPair(a, b);
  }

  /** Streams `count` items (records of `size` bytes) from the first worker to the second: items per second. */
  async stream(transport: Transport, count: number, size: number, capMs: number): Promise<number> {
    const { produce, consume } = channelFor(transport);
    const transfer = transport === 'pm-batch' ? [produce as never] : [];
    const transferIn = transport === 'pm-batch' ? [consume as never] : [];
    const timeout = capMs + 5_000;
    const base = { transport, count, size, capMs };
    const consumed = this.#b.call<StreamResult>('consume', { ...base, channel: consume }, transferIn, timeout);
    const produced = this.#a.call<StreamResult>('produce', { ...base, channel: produce }, transfer, timeout);
    const [result] = await Promise.all([consumed, produced]);
    if (!(result.count > 0 && result.elapsedNs > 0)) throw new Error(`${transport}: nothing measurable`);
    return result.count / (result.elapsedNs / 1e9);
  }

  /** `count` round trips of one value: median and p99 of the round-trip time, in ns. */
  async pingPong(impl: PingArgs['impl'], count: number, capMs: number): Promise<PingResult> {
    const make = () =>
      impl === 'ours'
        ? allocateRing({ capacity: 1024 })
        : impl === 'bare'
          ? new SharedArrayBuffer(512 + 1024 * 4) // the bare ring of workers/spsc.ts: 1024 slots
          : RingBuffer.getStorageForCapacity(1024, Int32Array);
    const args: PingArgs = { impl, there: make(), back: make(), count, capMs };
    const timeout = capMs + 5_000;
    const echo = this.#b.call<PingResult>('echo', { ...args }, [], timeout);
    const lead = this.#a.call<PingResult>('lead', { ...args }, [], timeout);
    const [result] = await Promise.all([lead, echo]);
    return result;
  }

  /** The median interval between two back-to-back performance.now() calls in the timing worker, in ns. */
  timerInterval(count: number): Promise<number> {
    return this.#a.call<number>('timer', { count }, [], 10_000);
  }

  close(): Promise<void> {
    return terminateAll([this.#a, this.#b]);
  }
}
