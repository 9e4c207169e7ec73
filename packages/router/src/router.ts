// Router: the hot path of a thread-per-core service. route(key, payload) hashes the key once
// (fxhash64, the same partition a Rust service computes), then builds the routed record in
// place in the target's ring (claimOffset → fill → commit: one copy of the key and of the
// payload into the ring's one data view, no intermediate buffer, no view per record).
// Publishing is the rings' own: one release store every `publishEvery` records, and at the end
// of the task. A string key that comes again skips the hash and the encoding: its target and
// its record's first words are remembered (RememberedKey, in RecentKeys), and its record is
// written by #routeRemembered(), the hot path.
// routeAsync() is the same write, waiting for room with Atomics.waitAsync instead of blocking.
import {
  CorelaneError,
  CorelaneRangeError,
  CorelaneTypeError,
  copyBytesAt,
  dataViewOf,
  ErrorCode,
  littleEndianWordsOf,
  requireInteger,
  requireOneOf,
  requireOptions,
} from '@corelane/shared';
import type { SideOptions } from '@corelane/spsc';
import { ASCII_UP_TO, hashKey64, KeyRead } from './fxhash64.js';
import { AS_U64, fmix64, HALVES, HI, LO } from './halves.js';
import { jumpFromHalves } from './jump-hash.js';
import type { RouterKey } from './key.js';
import { modHalves } from './mod-halves.js';
import { checkCustomTarget, PartitionBy, type Partitioner, resolvePartitioner } from './partitioner.js';
import { PreparedRecord, writeAsciiKey } from './prepared-record.js';
import { RecentKeys } from './recent-keys.js';
import { RememberedKey, UNKNOWN_KEY } from './remembered-key.js';
import { ROUTED_HEADER_BYTES, RoutedRecordType } from './routed-record.js';
import { attachTargets, type RouterTarget, type TargetProducer } from './router-targets.js';
import { encodeUtf8, utf8Bytes, utf8Length } from './utf8.js';

/** What `route()` does when the target's ring has no room for the record. */
export type BackpressurePolicy = 'block' | 'error' | 'drop';

const POLICIES: readonly BackpressurePolicy[] = ['block', 'error', 'drop'];

/** Options of the {@link Router}. */
export interface RouterOptions {
  /**
   * When the target's ring is full: `'block'` (default) waits for room — `route()` with
   * `Atomics.wait` (this thread sleeps; the consumer wakes it), `routeAsync()` with
   * `Atomics.waitAsync` (the event loop keeps running); `'error'` throws
   * `ERR_CORELANE_BACKPRESSURE` with nothing written; `'drop'` skips the record, counts it, and
   * returns -1.
   */
  policy?: BackpressurePolicy;
  /**
   * `'block'` only: the longest one `route()` or `routeAsync()` waits, in ms (an integer); past
   * it, it throws `ERR_CORELANE_TIMEOUT` with nothing written. Default: no limit.
   */
  timeoutMs?: number;
  /**
   * Which target a key goes to (see {@link Partitioner}): `'modulo'` (default, the partition a
   * Rust service computes with `fxhash::hash64(&key) % size`), `'jump'` (`jumpPartition(key,
   * size)`: few keys move when targets are added), or your own `(key) => target` function.
   */
  partitioner?: Partitioner;
  /**
   * Options of the producers the router attaches to targets given as buffers (`SideOptions` of
   * `@corelane/spsc`): how many records they write between publishes (default 64) and
   * `autoFlush` (publish the rest at the end of the task, default true). Targets given as
   * producers keep their own.
   */
  ring?: SideOptions;
}

/** Counters of one target, from {@link Router.stats}. */
export interface RouterTargetStats {
  /** Records written into this target's ring. */
  routed: number;
  /** Records skipped because the ring was full (`policy: 'drop'`). */
  dropped: number;
  /** `route()`/`routeAsync()` calls that threw `ERR_CORELANE_BACKPRESSURE` (`policy: 'error'`). */
  rejected: number;
  /** `route()`/`routeAsync()` calls that had to wait for room (`policy: 'block'`), timed out or not. */
  blockedWaits: number;
  /** Bytes of the routed records: key length word + key + payload, each (ring headers not included). */
  bytes: number;
}

const TWO_32 = 4294967296;

const noop = (): void => {};

/** From #routeRemembered(): nothing was written, the general path decides. */
const NOT_WRITTEN = -2;
/**
 * What the key cache holds for a short key that is not ASCII: "known, hash it" (any target < 0
 * means that; a hit, unlike a miss, does not count towards turning the cache off).
 */
const NOT_ASCII = new RememberedKey(-2, '');

/** Throws unless `payload` is a Uint8Array (before anything is touched). */
function requirePayload(payload: unknown): void {
  if (!(payload instanceof Uint8Array)) {
    throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, `payload must be a Uint8Array, got ${typeof payload}`);
  }
}

/**
 * Routes keyed records to one byte ring (from `@corelane/spsc`) per target: `route(key, payload)`
 * writes the record into the ring of the key's target — by default `partition(key, size)`, the
 * partition a Rust service computes with `fxhash::hash64(&key) % n` — so every record of a key
 * goes to the same consumer, in the order routed. Consumers take records apart with
 * `decodeRoutedRecord()`.
 *
 * With the `'modulo'` or `'jump'` partitioner, the router remembers the target of each
 * all-ASCII string key of up to 64 units it routes (as a {@link TargetCache} does), with the
 * key's bytes: a key that comes again costs a `Map` lookup instead of a hash, and a copy of a
 * few words instead of reading it from the string. A custom partitioner is called for every record.
 *
 * One router per producing thread (a ring has one producer).
 */
export class Router {
  /** The number of targets. */
  readonly size: number;
  /** What `route()` does when a target's ring is full. */
  readonly policy: BackpressurePolicy;
  /** How a key's target is chosen (the `partitioner` option; `'modulo'` by default). */
  readonly partitioner: Partitioner;
  readonly #by: PartitionBy;
  readonly #custom: ((key: RouterKey) => number) | null;
  /**
   * The targets of recent ASCII string keys ('modulo' and 'jump': a pure function of the key and
   * the size) and their record's first words, so a hot key skips the hash and is copied as words;
   * null for a custom partitioner, which runs every time.
   */
  readonly #cache: RecentKeys<RememberedKey> | null;
  readonly #timeoutMs: number;
  readonly #producers: TargetProducer[];
  /** Per target: a word view of its ring's data, for writeAt() (see littleEndianWordsOf), or null. */
  readonly #words: (Int32Array | null)[];
  /** Per target: a DataView of its ring's data, for the payload's word stores (copyBytesAt). */
  readonly #views: DataView[];
  readonly #owned: boolean[];
  readonly #routed: Float64Array;
  readonly #dropped: Float64Array;
  readonly #rejected: Float64Array;
  readonly #blockedWaits: Float64Array;
  readonly #bytes: Float64Array;
  /** The record route() is writing (reused: no allocation per record). */
  readonly #next = new PreparedRecord();
  /** Per target: routeAsync() calls waiting for room, in line, and the end of that line. */
  readonly #waiting: Int32Array;
  readonly #lines: (Promise<void> | undefined)[];
  #closed = false;
  /** Wakes the async waits in progress (close() calls them all): one per wait, dropped after it. */
  readonly #wakers = new Set<(value: false) => void>();

  /**
   * @param targets - one per consumer, in target order: a `SharedArrayBuffer` from
   *   `allocateByteRing()` (the router attaches as its producer, and `close()` closes it) or a
   *   `ByteRingProducer` (stays the caller's: `close()` only flushes it).
   * @throws `TypeError` `ERR_CORELANE_INVALID_ARGUMENT` / `RangeError` `ERR_CORELANE_OUT_OF_RANGE`
   *   for bad targets or options (before any ring is touched); the ring's own errors
   *   (`ERR_CORELANE_BAD_RING`, `ERR_CORELANE_ROLE_TAKEN`) when attaching to a buffer fails.
   */
  constructor(targets: readonly RouterTarget[], options?: RouterOptions) {
    const opts = requireOptions('options', options);
    this.policy = requireOneOf('policy', opts.policy ?? 'block', POLICIES);
    if (opts.timeoutMs !== undefined && this.policy !== 'block') {
      throw new CorelaneTypeError(
        ErrorCode.INVALID_ARGUMENT,
        `timeoutMs applies to policy 'block' only, not to '${this.policy}'`,
      );
    }
    this.#timeoutMs =
      opts.timeoutMs === undefined || opts.timeoutMs === Number.POSITIVE_INFINITY
        ? Number.POSITIVE_INFINITY
        : requireInteger('timeoutMs', opts.timeoutMs, 0, 0x7fff_ffff);
    this.#by = resolvePartitioner(opts.partitioner);
    this.partitioner = opts.partitioner ?? 'modulo';
    this.#custom = this.#by === PartitionBy.CUSTOM ? (opts.partitioner as (key: RouterKey) => number) : null;
    this.#cache = this.#custom === null ? new RecentKeys<RememberedKey>() : null;
    if (opts.ring !== undefined) requireOptions('ring', opts.ring);
    const { producers, owned } = attachTargets(targets, opts.ring);
    this.#producers = producers;
    this.#words = producers.map((producer) => littleEndianWordsOf(producer.data));
    this.#views = producers.map(({ data }) => dataViewOf(data));
    this.#owned = owned;
    this.size = producers.length;
    this.#routed = new Float64Array(this.size);
    this.#dropped = new Float64Array(this.size);
    this.#rejected = new Float64Array(this.size);
    this.#blockedWaits = new Float64Array(this.size);
    this.#bytes = new Float64Array(this.size);
    this.#waiting = new Int32Array(this.size);
    this.#lines = new Array(this.size).fill(undefined);
  }

  /** The target that owns `key` under this router's partitioner. Routes nothing. */
  targetOf(key: RouterKey): number {
    hashKey64(key, 'key');
    return this.#targetOfHashed(key);
  }

  /**
   * The target of `key`, whose fxhash64 hashKey64() has just left in `HALVES`: 'modulo' and
   * 'jump' reduce that hash (a key is hashed, and a string encoded, once); a custom partitioner
   * is called with the key, which hashKey64() has checked first.
   */
  #targetOfHashed(key: RouterKey): number {
    if (this.#by === PartitionBy.MODULO) return modHalves(HALVES[HI] as number, HALVES[LO] as number, this.size);
    if (this.#by === PartitionBy.JUMP) {
      fmix64(HALVES[HI] as number, HALVES[LO] as number);
      return jumpFromHalves(this.size);
    }
    return checkCustomTarget((this.#custom as (key: RouterKey) => number)(key), this.size);
  }

  /**
   * Checks and hashes one record into `#next`: its target, key bytes and length. Throws (typed)
   * for a bad key, a bad payload, a bad custom target or a record too large: nothing touched.
   * `remembered`: the key's target from `#remembered()`, or a negative value to hash it.
   */
  #prepare(key: RouterKey, payload: Uint8Array, remembered: number): PreparedRecord {
    requirePayload(payload);
    const next = this.#next;
    if (remembered >= 0) {
      next.setAscii(key as string);
      return this.#finish(next, remembered, payload);
    }
    const read = hashKey64(key, 'key');
    const target = this.#targetOfHashed(key);
    if (read === KeyRead.BYTES) {
      next.setBytes(RoutedRecordType.BYTES, key as Uint8Array, (key as Uint8Array).length);
    } else if (read === KeyRead.ASCII) {
      next.setAscii(key as string); // copied later straight from the string: no encoding
      if (this.#cache !== null) this.#cache.set(key as string, new RememberedKey(target, key as string));
    } else if (read === KeyRead.UTF8) {
      // A short key that is not ASCII is remembered as such (NOT_ASCII): its next lookups hit
      // (they would otherwise count as misses, and turn the cache off for the ASCII keys too)
      // and take this path again, never the inline one, which writes ASCII.
      if (this.#cache !== null && (key as string).length <= ASCII_UP_TO) this.#cache.set(key as string, NOT_ASCII);
      // The UTF-8 hashKey64() encoded is still in the scratch buffer, unless a custom
      // partitioner hashed a string of its own since: then encode again.
      const length = this.#custom === null ? utf8Length() : encodeUtf8(key as string);
      next.setBytes(RoutedRecordType.STRING, utf8Bytes(), length);
    } else if (read === KeyRead.NUMBER) {
      next.setWords(RoutedRecordType.NUMBER, (key as number) | 0, Math.floor((key as number) / TWO_32) | 0);
    } else {
      AS_U64[0] = BigInt.asUintN(64, key as bigint); // HALVES now holds the key's bits, not its hash
      next.setWords(RoutedRecordType.BIGINT, HALVES[LO] as number, HALVES[HI] as number);
    }
    return this.#finish(next, target, payload);
  }

  /** Sizes the record whose key `next` holds, checks it fits the target's ring, and completes it. */
  #finish(next: PreparedRecord, target: number, payload: Uint8Array): PreparedRecord {
    const length = ROUTED_HEADER_BYTES + next.keyLength + payload.length;
    const producer = this.#producers[target] as TargetProducer;
    if (length > producer.maxRecordBytes) {
      throw new CorelaneRangeError(
        ErrorCode.RECORD_TOO_LARGE,
        `a routed record of ${length} bytes (4 + key ${next.keyLength} + payload ${payload.length}) is larger than ` +
          `target ${target}'s maximum of ${producer.maxRecordBytes} bytes`,
      );
    }
    next.target = target;
    next.payload = payload;
    next.length = length;
    return next;
  }

  /** Fills the record claimed at `data[at]`, commits it, and counts it. */
  #write(prepared: PreparedRecord, at: number, producer: TargetProducer): number {
    const target = prepared.target;
    prepared.writeAt(this.#views[target] as DataView, producer.data, at, this.#words[target] as Int32Array | null);
    producer.commit();
    this.#routed[target] = (this.#routed[target] as number) + 1;
    this.#bytes[target] = (this.#bytes[target] as number) + prepared.length;
    return target;
  }

  /**
   * What is remembered of a string key (an all-ASCII string of at most 64 units: the only ones
   * `#prepare()` remembers, whose target a hash of the same immutable string gave; or NOT_ASCII),
   * or UNKNOWN_KEY.
   */
  #remembered(key: RouterKey): RememberedKey {
    // Only keys that can be remembered are looked up: a lookup that can never hit would count as
    // a miss, and a window of them turns the cache off for every key.
    if (typeof key !== 'string' || key.length > ASCII_UP_TO || this.#cache === null) return UNKNOWN_KEY;
    return this.#cache.get(key) ?? UNKNOWN_KEY;
  }

  /**
   * route() of a remembered ASCII key, the hot path: the checks, the claim and the copy inline,
   * with nothing staged in `#next`. Returns NOT_WRITTEN, having touched nothing, whenever the
   * general path must decide (the record is too large, routeAsync() calls wait for this target,
   * the ring takes no word stores, or it is full): that path then checks and throws or waits.
   */
  #routeRemembered(key: string, payload: Uint8Array, remembered: RememberedKey): number {
    requirePayload(payload);
    const target = remembered.target;
    const producer = this.#producers[target] as TargetProducer;
    const words = this.#words[target] as Int32Array | null;
    const keyBytes = remembered.keyBytes;
    const length = keyBytes + payload.length;
    if (length > producer.maxRecordBytes || this.#waiting[target] !== 0 || words === null) return NOT_WRITTEN;
    const at = producer.claimOffset(length, RoutedRecordType.STRING);
    if (at < 0) return NOT_WRITTEN;
    const data = producer.data;
    if ((at & 3) === 0) {
      // The length word and the key, packed when the key was first routed: a copy of whole words
      // (the last one's zeros past the key land where writeAsciiKey() leaves them, see there).
      const from = remembered.words;
      const w = at >> 2;
      for (let i = 0; i < from.length; i++) words[w + i] = from[i] as number;
    } else {
      writeAsciiKey(data, null, at, key);
    }
    copyBytesAt(this.#views[target] as DataView, data, at + keyBytes, payload);
    producer.commit();
    this.#routed[target] = (this.#routed[target] as number) + 1;
    this.#bytes[target] = (this.#bytes[target] as number) + length;
    return target;
  }

  /**
   * Writes one record holding `key` and `payload` into the ring of the key's target, and
   * returns that target's index — or -1 when the ring was full and the policy is `'drop'`. The
   * record is published with the ring's next publish (or `flush()`).
   *
   * @throws `TypeError`/`RangeError` for a bad key (as `fxhash64()`) or a payload that is not a
   *   `Uint8Array`; `RangeError` `ERR_CORELANE_OUT_OF_RANGE` when a custom partitioner returns
   *   no valid target; `RangeError` `ERR_CORELANE_RECORD_TOO_LARGE` when key and payload do not
   *   fit the target's `maxRecordBytes` — all before the ring is touched.
   *   `ERR_CORELANE_BACKPRESSURE` (policy `'error'`) or `ERR_CORELANE_TIMEOUT` (policy `'block'`
   *   with `timeoutMs`) when the ring stays full, with nothing written; `ERR_CORELANE_CLOSED`
   *   after `close()`, or when the target's consumer has closed and its ring is full;
   *   `ERR_CORELANE_INVALID_STATE` while `routeAsync()` calls wait for room in the same target
   *   (a record written now would overtake theirs).
   */
  route(key: RouterKey, payload: Uint8Array): number {
    // Small on purpose, so that the JIT inlines it and the hot path into the caller's loop.
    const remembered = this.#closed ? UNKNOWN_KEY : this.#remembered(key);
    if (remembered.target >= 0) {
      const target = this.#routeRemembered(key as string, payload, remembered);
      if (target !== NOT_WRITTEN) return target;
    }
    return this.#route(key, payload, remembered.target);
  }

  /** route() but for the hot path: any key, every check, the full-ring policy. */
  #route(key: RouterKey, payload: Uint8Array, remembered: number): number {
    if (this.#closed) throw new CorelaneError(ErrorCode.CLOSED, 'this Router was closed');
    const prepared = this.#prepare(key, payload, remembered);
    const target = prepared.target;
    if (this.#waiting[target] !== 0) {
      throw new CorelaneError(
        ErrorCode.INVALID_STATE,
        `routeAsync() calls are waiting for room in target ${target}: await them before route() writes there, ` +
          'so records keep their order',
      );
    }
    const producer = this.#producers[target] as TargetProducer;
    let at = producer.claimOffset(prepared.length, prepared.type);
    if (at < 0) at = this.#whenFull(prepared, producer, true);
    if (at < 0) return -1;
    return this.#write(prepared, at, producer);
  }

  /**
   * `route()` for threads that must not block, such as the main thread of a server: the same
   * record, the same target, the same policies — except that under `'block'` a full target is
   * awaited with `Atomics.waitAsync` (the event loop keeps running) instead of `Atomics.wait`.
   * Resolves with the target's index, or -1 when dropped (`'drop'`).
   *
   * While a call waits, later `routeAsync()` calls to the same target wait in line behind it, so
   * records keep the order of the calls (calls to other targets go ahead). The record is copied
   * into the ring when there is room: keep `payload` unchanged until the promise settles (the key
   * is copied if the call has to wait).
   *
   * @throws (rejects with) the errors of {@link Router.route}; `ERR_CORELANE_CLOSED` also when
   *   `close()` is called while it waits.
   */
  async routeAsync(key: RouterKey, payload: Uint8Array): Promise<number> {
    if (this.#closed) throw new CorelaneError(ErrorCode.CLOSED, 'this Router was closed');
    const prepared = this.#prepare(key, payload, this.#remembered(key).target);
    const target = prepared.target;
    const producer = this.#producers[target] as TargetProducer;
    if (this.#waiting[target] === 0) {
      const at = producer.claimOffset(prepared.length, prepared.type);
      if (at >= 0) return this.#write(prepared, at, producer);
      if (this.policy !== 'block') return this.#whenFull(prepared, producer, false) < 0 ? -1 : target;
    }
    return this.#waitInLine(prepared.detach(), producer);
  }

  /** Queues a routeAsync() behind the ones already waiting for the same target. */
  async #waitInLine(prepared: PreparedRecord, producer: TargetProducer): Promise<number> {
    const target = prepared.target;
    this.#waiting[target] = (this.#waiting[target] as number) + 1;
    this.#blockedWaits[target] = (this.#blockedWaits[target] as number) + 1;
    // The deadline runs from the call, not from its turn: timeoutMs bounds the whole wait.
    const deadline = performance.now() + this.#timeoutMs;
    const turn = (this.#lines[target] ?? Promise.resolve()).then(() =>
      this.#writeWhenRoom(prepared, producer, deadline),
    );
    this.#lines[target] = turn.then(noop, noop);
    try {
      return await turn;
    } finally {
      this.#waiting[target] = (this.#waiting[target] as number) - 1;
      if (this.#waiting[target] === 0) this.#lines[target] = undefined;
    }
  }

  /** Waits (without blocking) until the record fits, then writes it. */
  async #writeWhenRoom(prepared: PreparedRecord, producer: TargetProducer, deadline: number): Promise<number> {
    const target = prepared.target;
    for (;;) {
      if (this.#closed) throw new CorelaneError(ErrorCode.CLOSED, 'this Router was closed while routeAsync() waited');
      const at = producer.claimOffset(prepared.length, prepared.type);
      if (at >= 0) return this.#write(prepared, at, producer);
      if (producer.peerClosed) {
        throw new CorelaneError(
          ErrorCode.CLOSED,
          `target ${target}'s consumer closed while routeAsync() waited for room`,
        );
      }
      const left = deadline - performance.now();
      if (left <= 0) {
        throw new CorelaneError(
          ErrorCode.TIMEOUT,
          `target ${target}'s ring stayed full for timeoutMs (${this.#timeoutMs} ms): nothing was written`,
        );
      }
      // Publish what every target holds first: a consumer must not wait on records held here.
      this.flush();
      const wait = left === Number.POSITIVE_INFINITY ? undefined : Math.ceil(left);
      await this.#untilWritable(producer, wait, prepared.length);
    }
  }

  /**
   * Resolves true once target `target`'s ring has room for a routed record of `length` bytes
   * (4 + key + payload; default 0: any room), false after `timeoutMs` (default: no limit), when
   * its consumer closes, or when this router closes. Publishes what every target holds first.
   * Waits with `Atomics.waitAsync`: the event loop keeps running. Use it to pace `route()` with
   * policy `'error'` or `'drop'` without blocking.
   *
   * @throws `RangeError` `ERR_CORELANE_OUT_OF_RANGE` for a `target` that is not an integer in
   *   `0..size-1`, or a `length`/`timeoutMs` out of range (thrown, not rejected).
   */
  writable(target: number, timeoutMs?: number, length = 0): Promise<boolean> {
    requireInteger('target', target, 0, this.size - 1);
    if (timeoutMs !== undefined) requireInteger('timeoutMs', timeoutMs, 0, 0x7fff_ffff);
    const producer = this.#producers[target] as TargetProducer;
    requireInteger('length', length, 0, producer.maxRecordBytes);
    if (this.#closed || producer.closed) return Promise.resolve(false);
    this.flush();
    return this.#untilWritable(producer, timeoutMs, length);
  }

  /**
   * `producer.writable()`, or false as soon as close() is called (a producer handed in stays
   * open, so its own wait would not end). The waker is dropped once either settles: nothing is
   * kept per wait.
   */
  async #untilWritable(producer: TargetProducer, timeoutMs: number | undefined, length: number): Promise<boolean> {
    let wake: (value: false) => void = noop;
    const closing = new Promise<false>((resolve) => {
      wake = resolve;
    });
    this.#wakers.add(wake);
    try {
      return await Promise.race([producer.writable(timeoutMs, length), closing]);
    } finally {
      this.#wakers.delete(wake);
    }
  }

  /**
   * The full-ring policy: the offset of a record claimed after waiting (sync `'block'` only), -1
   * to drop, or a throw.
   */
  #whenFull(prepared: PreparedRecord, producer: TargetProducer, canBlock: boolean): number {
    const target = prepared.target;
    if (producer.peerClosed) {
      throw new CorelaneError(ErrorCode.CLOSED, `target ${target}'s consumer has closed and its ring is full`);
    }
    if (this.policy === 'drop') {
      this.#dropped[target] = (this.#dropped[target] as number) + 1;
      return -1;
    }
    if (this.policy === 'error' || !canBlock) {
      this.#rejected[target] = (this.#rejected[target] as number) + 1;
      throw new CorelaneError(
        ErrorCode.BACKPRESSURE,
        `target ${target}'s ring is full (policy 'error'): nothing was written; retry after its consumer reads`,
      );
    }
    this.#blockedWaits[target] = (this.#blockedWaits[target] as number) + 1;
    // This thread is about to sleep: publish what the other targets hold, or their consumers
    // would wait on records stuck here behind the full one (and a microtask flush cannot run).
    this.flush();
    const length = prepared.length;
    const deadline = performance.now() + this.#timeoutMs;
    for (;;) {
      const left = deadline - performance.now();
      const wait = left === Number.POSITIVE_INFINITY ? undefined : Math.max(0, Math.ceil(left));
      const room = producer.waitWritable(wait, length); // flushes this ring first, then sleeps
      const at = room ? producer.claimOffset(length, prepared.type) : -1;
      if (at >= 0) return at;
      if (producer.peerClosed) {
        throw new CorelaneError(ErrorCode.CLOSED, `target ${target}'s consumer closed while route() waited for room`);
      }
      if (wait !== undefined && performance.now() >= deadline) {
        throw new CorelaneError(
          ErrorCode.TIMEOUT,
          `target ${target}'s ring stayed full for timeoutMs (${this.#timeoutMs} ms): nothing was written`,
        );
      }
    }
  }

  /** Publishes every target's written records now (the rings otherwise publish every so many records and at the end of the task). */
  flush(): void {
    for (const producer of this.#producers) if (!producer.closed) producer.flush();
  }

  /** Per-target counters, indexed like the targets (a snapshot: plain objects). */
  stats(): RouterTargetStats[] {
    return this.#producers.map((_, i) => ({
      routed: this.#routed[i] as number,
      dropped: this.#dropped[i] as number,
      rejected: this.#rejected[i] as number,
      blockedWaits: this.#blockedWaits[i] as number,
      bytes: this.#bytes[i] as number,
    }));
  }

  /**
   * Publishes what is pending and closes the producers this router attached (their consumers
   * then see `peerClosed` once they have read everything); producers handed in are flushed and
   * stay open. `route()` then throws `ERR_CORELANE_CLOSED`, and `routeAsync()` calls still
   * waiting for room reject with it (nothing of theirs is written). Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const wake of this.#wakers) wake(false);
    this.#wakers.clear();
    this.#producers.forEach((producer, i) => {
      if (producer.closed) return;
      if (this.#owned[i]) producer.close();
      else producer.flush();
    });
  }
}
