/**
 * Worker script of the spsc suite (dist/workers/spsc.js): one thread of a producer → consumer
 * stream or of a ping-pong pair, over a @corelane/spsc ring, a ringbuf.js ring, or a MessagePort
 * carrying transferred Int32Array batches. Driven by src/suites/spsc/pair.ts.
 *
 * Every loop spins (the thread does nothing else) and checks a deadline every 1024 turns, so a
 * stalled peer ends a sample with an error instead of hanging the run. A stream side whose peer
 * makes no progress for a long run of turns naps briefly (Deadline.spin), whatever the ring. Consumers check every
 * value (or the first byte of every record) against the sequence and time first → last item.
 */
import type { MessagePort } from 'node:worker_threads';
import { ByteRingConsumer, ByteRingProducer, NativeRingThread, RingConsumer, RingProducer } from '@corelane/spsc';
import { RingBuffer } from 'ringbuf.js';
import { serve } from '../harness/worker-serve.js';

/** How items travel in a stream. */
export type Transport =
  | 'ours-item'
  | 'ours-batch'
  | 'ours-record'
  | 'ours-native-park'
  | 'ours-varying-views'
  | 'ours-varying-offsets'
  | 'bare-batch'
  | 'rb-item'
  | 'rb-batch'
  | 'rb-record'
  | 'pm-batch';

export interface StreamArgs {
  transport: Transport;
  /** The ring (a SharedArrayBuffer), or a MessagePort for 'pm-batch'. */
  channel: SharedArrayBuffer | MessagePort;
  count: number;
  /** Record size in bytes for '*-record'. */
  size: number;
  capMs: number;
}

export interface StreamResult {
  count: number;
  elapsedNs: number;
}

export interface PingArgs {
  /** 'bare': the floor, see {@link bareRingPingPong}. */
  impl: 'ours' | 'rb' | 'bare';
  there: SharedArrayBuffer;
  back: SharedArrayBuffer;
  count: number;
  capMs: number;
}

export interface PingResult {
  count: number;
  median: number;
  p99: number;
}

/** Items per batch for the batched transports (as in the C++ peers). */
export const BATCH = 256;

/** Payload length of record i in the varying-length streams: 8 .. size bytes. */
export function varyingLength(i: number, size: number): number {
  return 8 + ((i * 7) % (size - 7));
}

const now = () => process.hrtime.bigint();

/** Consecutive misses without progress after which a stream side naps (see Deadline.spin). */
const NAP_AFTER_MISSES = 2048;
/** How long one nap lasts, in ms. */
const NAP_MS = 0.05;
/** Never notified: a nap is a plain timed sleep. */
const napWord = new Int32Array(new SharedArrayBuffer(4));

class Deadline {
  readonly #end: number;
  #turns = 0;
  #progress = -1;
  #idle = 0;
  constructor(capMs: number) {
    this.#end = performance.now() + capMs;
  }
  /**
   * Call in every spin; throws once the deadline passed (checked every 1024 calls).
   *
   * Stream loops pass their progress (items done so far). After NAP_AFTER_MISSES misses with
   * no progress (tens of µs or more: the peer thread is off its CPU, not just a batch behind),
   * the side naps 50 µs instead of burning the core its peer needs. On this 2-vCPU machine any
   * third busy process otherwise leaves both spinning sides running at once only part of the
   * time, and a sample collapses by 10-20x. The same rule applies to every ring in this suite
   * (ours and ringbuf.js alike) and never triggers while a stream flows; the postMessage peer
   * sleeps in its event loop anyway. Ping-pong passes no progress and always spins.
   */
  spin(what: string, progress?: number): void {
    if (progress !== undefined) {
      if (progress !== this.#progress) {
        this.#progress = progress;
        this.#idle = 0;
      } else if (++this.#idle >= NAP_AFTER_MISSES) {
        this.#idle = 0;
        Atomics.wait(napWord, 0, 0, NAP_MS);
      }
    }
    if ((++this.#turns & 1023) === 0 && performance.now() > this.#end) {
      throw new Error(`${what} stalled past its deadline`);
    }
  }
}

function produce(args: StreamArgs): StreamResult {
  const { transport, channel, count, size } = args;
  const deadline = new Deadline(args.capMs);
  if (transport === 'ours-native-park') {
    // the producer is a native thread, started by the consumer's worker (consumeNativePark)
  } else if (transport === 'ours-varying-views') {
    // claim() hands a view per record: one allocation whenever the length at a position changes
    const p = new ByteRingProducer(channel as SharedArrayBuffer);
    for (let i = 0; i < count; ) {
      const length = varyingLength(i, size);
      const view = p.claim(length, 1);
      if (view === null) deadline.spin('producer', i);
      else {
        view[0] = i & 0xff;
        view[length - 1] = length;
        p.commit();
        i++;
      }
    }
    p.close();
  } else if (transport === 'ours-varying-offsets') {
    // claimOffset(): an offset into the one data view, nothing allocated
    const p = new ByteRingProducer(channel as SharedArrayBuffer);
    const data = p.data;
    for (let i = 0; i < count; ) {
      const length = varyingLength(i, size);
      const at = p.claimOffset(length, 1);
      if (at < 0) deadline.spin('producer', i);
      else {
        data[at] = i & 0xff;
        data[at + length - 1] = length;
        p.commit();
        i++;
      }
    }
    p.close();
  } else if (transport === 'ours-item') {
    const p = new RingProducer(channel as SharedArrayBuffer);
    for (let i = 0; i < count; ) {
      if (p.push(i)) i++;
      else deadline.spin('producer', i);
    }
    p.close();
  } else if (transport === 'ours-batch') {
    const p = new RingProducer(channel as SharedArrayBuffer);
    const batch = new Int32Array(BATCH);
    for (let i = 0; i < count; ) {
      const n = Math.min(BATCH, count - i);
      for (let j = 0; j < n; j++) batch[j] = i + j;
      let done = 0;
      while (done < n) {
        const k = p.pushMany(done === 0 && n === BATCH ? batch : batch.subarray(done, n));
        if (k === 0) deadline.spin('producer', i + done);
        done += k;
      }
      i += n;
    }
    p.close();
  } else if (transport === 'bare-batch') {
    bareBatchProduce(channel as SharedArrayBuffer, count, deadline);
  } else if (transport === 'ours-record') {
    const p = new ByteRingProducer(channel as SharedArrayBuffer);
    const record = new Uint8Array(size).fill(7);
    for (let i = 0; i < count; ) {
      record[0] = i & 0xff;
      if (p.write(record, 1)) i++;
      else deadline.spin('producer', i);
    }
    p.close();
  } else if (transport === 'rb-item' || transport === 'rb-batch') {
    const rb = new RingBuffer(channel as SharedArrayBuffer, Int32Array);
    const n = transport === 'rb-item' ? 1 : BATCH;
    const batch = new Int32Array(n);
    for (let i = 0; i < count; ) {
      const m = Math.min(n, count - i);
      for (let j = 0; j < m; j++) batch[j] = i + j;
      let done = 0;
      while (done < m) {
        const k = rb.push(batch, m - done, done);
        if (k === 0) deadline.spin('producer', i + done);
        done += k;
      }
      i += m;
    }
  } else if (transport === 'rb-record') {
    const rb = new RingBuffer(channel as SharedArrayBuffer, Uint8Array);
    const record = new Uint8Array(size).fill(7);
    for (let i = 0; i < count; ) {
      // whole records only: ringbuf.js has no record framing, so write only when all of it fits
      if (rb.availableWrite() >= size) {
        record[0] = i & 0xff;
        rb.push(record);
        i++;
      } else deadline.spin('producer', i);
    }
  } else {
    const port = channel as MessagePort;
    for (let i = 0; i < count; i += BATCH) {
      const n = Math.min(BATCH, count - i);
      const batch = new Int32Array(n);
      for (let j = 0; j < n; j++) batch[j] = i + j;
      port.postMessage(batch, [batch.buffer]);
    }
  }
  return { count, elapsedNs: 0 };
}

/**
 * A native producer (the C++ twin, in lockstep: it writes record i only once this consumer has
 * taken every record and sleeps) into a JS consumer that reads one record and then parks in
 * waitReadable(): every record is one futex sleep of this thread and one FUTEX_WAKE from the
 * native thread. Records: the twin's sequence (payload byte j of record i is (i + j) & 0xff).
 */
function consumeNativePark(args: StreamArgs): StreamResult {
  const { channel, count, size, capMs } = args;
  const ring = channel as SharedArrayBuffer;
  const thread = NativeRingThread.start(ring, {
    role: 'producer',
    count,
    publishEvery: 1,
    fixedLength: size,
    lockstep: true,
    timeoutMs: capMs,
  });
  const c = new ByteRingConsumer(ring);
  let got = 0;
  let errors = 0;
  let first = 0n;
  const onRecord = (bytes: Uint8Array) => {
    if (first === 0n) first = now();
    if (bytes[0] !== (got & 0xff) || bytes.length !== size) errors++;
    got++;
  };
  while (got < count) {
    if (c.read(onRecord, 1) === 0 && !c.waitReadable(capMs)) break;
  }
  const elapsedNs = Number(now() - first);
  c.close();
  const produced = thread.join();
  if (got < count || produced.timedOut) throw new Error(`ours-native-park: only ${got} of ${count} records arrived`);
  if (errors !== 0) throw new Error(`ours-native-park: ${errors} records out of sequence`);
  return { count: count - 1, elapsedNs };
}

function consume(args: StreamArgs): Promise<StreamResult> | StreamResult {
  const { transport, channel, count, size } = args;
  if (transport === 'pm-batch') return consumePort(channel as MessagePort, count, args.capMs);
  if (transport === 'ours-native-park') return consumeNativePark(args);
  const deadline = new Deadline(args.capMs);
  let got = 0;
  let errors = 0;
  let first = 0n;
  const mark = () => {
    if (first === 0n) first = now();
  };
  if (transport === 'ours-item') {
    const c = new RingConsumer(channel as SharedArrayBuffer);
    while (got < count) {
      const v = c.pop();
      if (v === undefined) deadline.spin('consumer', got);
      else {
        mark();
        if (v !== got) errors++;
        got++;
      }
    }
    c.close();
  } else if (transport === 'ours-batch') {
    const c = new RingConsumer(channel as SharedArrayBuffer);
    const batch = new Int32Array(BATCH);
    while (got < count) {
      const n = c.popMany(batch);
      if (n === 0) deadline.spin('consumer', got);
      else {
        mark();
        for (let j = 0; j < n; j++) if (batch[j] !== got + j) errors++;
        got += n;
      }
    }
    c.close();
  } else if (transport === 'bare-batch') {
    errors = bareBatchConsume(channel as SharedArrayBuffer, count, deadline, mark);
    got = count;
  } else if (transport === 'ours-record') {
    const c = new ByteRingConsumer(channel as SharedArrayBuffer);
    const onRecord = (bytes: Uint8Array) => {
      if (bytes[0] !== (got & 0xff) || bytes.length !== size) errors++;
      got++;
    };
    while (got < count) {
      if (c.read(onRecord, BATCH) === 0) deadline.spin('consumer', got);
      else mark();
    }
    c.close();
  } else if (transport === 'ours-varying-views') {
    const c = new ByteRingConsumer(channel as SharedArrayBuffer);
    const onRecord = (bytes: Uint8Array) => {
      const length = varyingLength(got, size);
      if (bytes.length !== length || bytes[0] !== (got & 0xff) || bytes[length - 1] !== length) errors++;
      got++;
    };
    while (got < count) {
      if (c.read(onRecord, BATCH) === 0) deadline.spin('consumer', got);
      else mark();
    }
    c.close();
  } else if (transport === 'ours-varying-offsets') {
    const c = new ByteRingConsumer(channel as SharedArrayBuffer);
    const data = c.data;
    const onRecord = (at: number, length: number) => {
      if (length !== varyingLength(got, size) || data[at] !== (got & 0xff) || data[at + length - 1] !== length) {
        errors++;
      }
      got++;
    };
    while (got < count) {
      if (c.readOffsets(onRecord, BATCH) === 0) deadline.spin('consumer', got);
      else mark();
    }
    c.close();
  } else if (transport === 'rb-item' || transport === 'rb-batch') {
    const rb = new RingBuffer(channel as SharedArrayBuffer, Int32Array);
    const batch = new Int32Array(transport === 'rb-item' ? 1 : BATCH);
    while (got < count) {
      const n = rb.pop(batch);
      if (n === 0) deadline.spin('consumer', got);
      else {
        mark();
        for (let j = 0; j < n; j++) if (batch[j] !== got + j) errors++;
        got += n;
      }
    }
  } else {
    const rb = new RingBuffer(channel as SharedArrayBuffer, Uint8Array);
    const record = new Uint8Array(size);
    while (got < count) {
      if (rb.availableRead() >= size) {
        mark();
        rb.pop(record);
        if (record[0] !== (got & 0xff)) errors++;
        got++;
      } else deadline.spin('consumer', got);
    }
  }
  const elapsedNs = Number(now() - first);
  if (errors !== 0) throw new Error(`${transport}: ${errors} items out of sequence`);
  return { count: count - 1, elapsedNs };
}

function consumePort(port: MessagePort, count: number, capMs: number): Promise<StreamResult> {
  return new Promise((resolve, reject) => {
    let got = 0;
    let first = 0n;
    const timer = setTimeout(
      () => finish(new Error(`pm-batch: only ${got} of ${count} arrived in ${capMs} ms`)),
      capMs,
    );
    const finish = (error?: Error) => {
      clearTimeout(timer);
      port.close();
      if (error) reject(error);
      else resolve({ count: count - 1, elapsedNs: Number(now() - first) });
    };
    port.on('message', (batch: Int32Array) => {
      if (first === 0n) first = now();
      for (let j = 0; j < batch.length; j++) {
        if (batch[j] !== got + j) return finish(new Error(`pm-batch: expected ${got + j}, got ${batch[j]}`));
      }
      got += batch.length;
      if (got >= count) finish();
    });
  });
}

/** Int32 words of the bare ring (512 bytes, then a power of two of slots): ours's offsets, no header. */
const BareWord = { TAIL: 128 / 4, HEAD: 256 / 4, DATA: 512 / 4 } as const;

/**
 * The floor of a JS ping-pong: @corelane/spsc's protocol written by hand, with nothing else. The
 * producer stores the value, then the tail (Atomics.store, seq-cst); the consumer polls the tail
 * (Atomics.load) and, while it waits, reads the slot the next value lands in (as RingConsumer's
 * `#warmNext`); it hands slots back every 64. No class, no role, no gate, no type check, no wait
 * line: what is left is cache lines crossing cores and the timer. The bench's own code, so a ratio
 * against it says how much of a round trip is the library.
 */
function bareRingPingPong(args: PingArgs, lead: boolean, rtt: Float64Array | null, deadline: Deadline): void {
  const out = new Int32Array(lead ? args.there : args.back);
  const inp = new Int32Array(lead ? args.back : args.there);
  const mask = out.length - BareWord.DATA - 1;
  let tail = 0;
  let head = 0;
  let warmed = 0;
  for (let i = 0; i < args.count; i++) {
    const t0 = rtt ? performance.now() : 0;
    if (rtt) {
      out[BareWord.DATA + (tail & mask)] = i;
      tail = (tail + 1) | 0;
      Atomics.store(out, BareWord.TAIL, tail);
    }
    while (Atomics.load(inp, BareWord.TAIL) === head) {
      // a racy read that decides nothing (as #warmNext): it keeps the next slot's line fresh
      warmed = (warmed + (inp[BareWord.DATA + (head & mask)] as number)) & 1;
      deadline.spin('ping-pong');
    }
    const v = inp[BareWord.DATA + (head & mask)] as number;
    head = (head + 1) | 0;
    // Handed back as RingConsumer does, for its cost: the producer never reads it, since a ping-pong
    // keeps at most one value in flight and a ring of 1024 slots is never full.
    if ((head & 63) === 0) Atomics.store(inp, BareWord.HEAD, head);
    if (v !== i) throw new Error(`ping-pong (bare): expected ${i}, got ${v}`);
    if (rtt) rtt[i] = performance.now() - t0;
    else {
      out[BareWord.DATA + (tail & mask)] = v;
      tail = (tail + 1) | 0;
      Atomics.store(out, BareWord.TAIL, tail);
    }
  }
  if (warmed === 2) throw new Error('unreachable'); // keeps the warming reads
}

/**
 * The floor of the 4 B batched stream: @corelane/spsc's protocol written by hand, with the same
 * per-item fill loop as 'ours-batch' (batch[j] = i + j). The producer waits for room for a whole
 * batch (re-reading the head only then), copies it in with one set() and publishes the tail
 * (Atomics.store). No class, no role, no gate, no type check, no wait line.
 */
function bareBatchProduce(ring: SharedArrayBuffer, count: number, deadline: Deadline): void {
  const words = new Int32Array(ring);
  const data = new Int32Array(ring, BareWord.DATA * 4);
  const slots = data.length;
  const mask = slots - 1;
  const batch = new Int32Array(BATCH);
  let tail = 0;
  let head = 0;
  for (let i = 0; i < count; ) {
    const n = Math.min(BATCH, count - i);
    for (let j = 0; j < n; j++) batch[j] = i + j;
    while (slots - ((tail - head) | 0) < n) {
      head = Atomics.load(words, BareWord.HEAD);
      if (slots - ((tail - head) | 0) < n) deadline.spin('producer', i);
    }
    const at = tail & mask;
    const first = Math.min(n, slots - at);
    data.set(first === BATCH ? batch : batch.subarray(0, first), at);
    if (n > first) data.set(batch.subarray(first, n), 0);
    tail = (tail + n) | 0;
    Atomics.store(words, BareWord.TAIL, tail);
    i += n;
  }
}

/**
 * The consumer of the bare batched stream: re-reads the tail when fewer than a batch are known,
 * copies up to a batch out with a plain loop (as popMany), hands the slots back (Atomics.store)
 * and checks each value with the same loop as 'ours-batch'. Returns how many were out of sequence.
 */
function bareBatchConsume(ring: SharedArrayBuffer, count: number, deadline: Deadline, mark: () => void): number {
  const words = new Int32Array(ring);
  const data = new Int32Array(ring, BareWord.DATA * 4);
  const mask = data.length - 1;
  const batch = new Int32Array(BATCH);
  let head = 0;
  let tail = 0;
  let got = 0;
  let errors = 0;
  while (got < count) {
    if (((tail - head) | 0) < BATCH) tail = Atomics.load(words, BareWord.TAIL);
    const n = Math.min(BATCH, (tail - head) | 0);
    if (n === 0) {
      deadline.spin('consumer', got);
      continue;
    }
    for (let i = 0; i < n; i++) batch[i] = data[(head + i) & mask] as number;
    head = (head + n) | 0;
    Atomics.store(words, BareWord.HEAD, head);
    mark();
    for (let j = 0; j < n; j++) if (batch[j] !== got + j) errors++;
    got += n;
  }
  return errors;
}

/** Median of `count` intervals between two back-to-back performance.now() calls, in ns: the timer's share of a sample. */
function timerInterval(count: number): number {
  const gaps = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    gaps[i] = performance.now() - t0;
  }
  gaps.sort();
  return (gaps[count >> 1] as number) * 1e6;
}

/** One value each way, spinning; `lead` times every round trip. */
function pingPong(args: PingArgs, lead: boolean): PingResult {
  const deadline = new Deadline(args.capMs);
  const { count } = args;
  const rtt = lead ? new Float64Array(count) : null;
  if (args.impl === 'ours') {
    // The producer publishes every push (publishEvery 1), as a request/response protocol needs;
    // the consumer hands slots back every 64 (its default): the producer is never short of room.
    const out = new RingProducer(lead ? args.there : args.back, { publishEvery: 1 });
    const inp = new RingConsumer(lead ? args.back : args.there);
    for (let i = 0; i < count; i++) {
      const t0 = lead ? performance.now() : 0;
      if (lead) out.push(i);
      let v = inp.pop();
      while (v === undefined) {
        deadline.spin('ping-pong');
        v = inp.pop();
      }
      if (v !== i) throw new Error(`ping-pong: expected ${i}, got ${v}`);
      if (rtt) rtt[i] = performance.now() - t0;
      else out.push(v);
    }
    out.close();
    inp.close();
  } else if (args.impl === 'bare') {
    bareRingPingPong(args, lead, rtt, deadline);
  } else {
    const out = new RingBuffer(lead ? args.there : args.back, Int32Array);
    const inp = new RingBuffer(lead ? args.back : args.there, Int32Array);
    const one = new Int32Array(1);
    for (let i = 0; i < count; i++) {
      const t0 = lead ? performance.now() : 0;
      if (lead) {
        one[0] = i;
        out.push(one);
      }
      while (inp.pop(one) === 0) deadline.spin('ping-pong');
      if (one[0] !== i) throw new Error(`ping-pong: expected ${i}, got ${one[0]}`);
      if (rtt) rtt[i] = performance.now() - t0;
      else out.push(one);
    }
  }
  if (!rtt) return { count, median: 0, p99: 0 };
  rtt.sort();
  return {
    count,
    median: (rtt[count >> 1] as number) * 1e6,
    p99: (rtt[Math.min(count - 1, Math.floor(count * 0.99))] as number) * 1e6,
  };
}

serve({
  produce: (args: StreamArgs) => produce(args),
  consume: (args: StreamArgs) => consume(args),
  lead: (args: PingArgs) => pingPong(args, true),
  echo: (args: PingArgs) => pingPong(args, false),
  timer: (args: { count: number }) => timerInterval(args.count),
});
