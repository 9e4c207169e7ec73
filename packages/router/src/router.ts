// Router: the hot path of a thread-per-core service. route(key, payload) hashes the key once
// (fxhash64, the same partition a Rust service computes), then builds the routed record in
// place in the target's ring (claim → fill → commit: one copy of the key and of the payload,
// no intermediate buffer). Publishing is the rings' own: batched, flushed at the end of the task.
import {
  CorelaneError,
  CorelaneRangeError,
  CorelaneTypeError,
  ErrorCode,
  requireInteger,
  requireOneOf,
  requireOptions,
} from '@corelane/shared';
import type { SideOptions } from '@corelane/spsc';
import { absorbSlice64, absorbUtf8Str64 } from './absorb64.js';
import { hashKey64 } from './fxhash64.js';
import { AS_U64, HALVES, HI, LO } from './halves.js';
import type { RouterKey } from './key.js';
import { modHalves } from './mod-halves.js';
import { ROUTED_HEADER_BYTES, RoutedRecordType } from './routed-record.js';
import { attachTargets, type RouterTarget, type TargetProducer } from './router-targets.js';
import { encodeUtf8, utf8Bytes } from './utf8.js';

/** What `route()` does when the target's ring has no room for the record. */
export type BackpressurePolicy = 'block' | 'error' | 'drop';

const POLICIES: readonly BackpressurePolicy[] = ['block', 'error', 'drop'];

/** Options of the {@link Router}. */
export interface RouterOptions {
  /**
   * When the target's ring is full: `'block'` (default) waits for room with `Atomics.wait` (this
   * thread sleeps; the consumer wakes it), `'error'` throws `ERR_CORELANE_BACKPRESSURE` with
   * nothing written, `'drop'` skips the record, counts it, and `route()` returns -1.
   */
  policy?: BackpressurePolicy;
  /**
   * `'block'` only: the longest one `route()` waits, in ms (an integer); past it, it throws
   * `ERR_CORELANE_TIMEOUT` with nothing written. Default: no limit.
   */
  timeoutMs?: number;
  /**
   * Options of the producers the router attaches to targets given as buffers: `batch` (publish
   * every so many records, default 64) and `autoFlush` (publish the rest at the end of the task,
   * default true). Targets given as producers keep their own.
   */
  ring?: SideOptions;
}

/** Counters of one target, from {@link Router.stats}. */
export interface RouterTargetStats {
  /** Records written into this target's ring. */
  routed: number;
  /** Records skipped because the ring was full (`policy: 'drop'`). */
  dropped: number;
  /** `route()` calls that threw `ERR_CORELANE_BACKPRESSURE` (`policy: 'error'`). */
  rejected: number;
  /** `route()` calls that had to wait for room (`policy: 'block'`), timed out or not. */
  blockedWaits: number;
  /** Bytes of the routed records: key length word + key + payload, each (ring headers not included). */
  bytes: number;
}

const TWO_32 = 4294967296;

/** The key bytes of an integer key, which is written as two words instead. */
const NO_BYTES = new Uint8Array(0);

/** Keys up to this many bytes are copied into the record byte by byte (cheaper than a subarray + set). */
const COPY_LOOP_UP_TO = 32;

/**
 * Routes keyed records to one byte ring (from `@corelane/spsc`) per target: `route(key, payload)`
 * writes the record into the ring of target `partition(key, targets.length)` — the partition a
 * Rust service computes with `fxhash::hash64(&key) % n` — so every record of a key goes to the
 * same consumer, in the order routed. Consumers take records apart with `decodeRoutedRecord()`.
 *
 * One router per producing thread (a ring has one producer).
 */
export class Router {
  /** The number of targets. */
  readonly size: number;
  /** What `route()` does when a target's ring is full. */
  readonly policy: BackpressurePolicy;
  readonly #timeoutMs: number;
  readonly #producers: TargetProducer[];
  readonly #owned: boolean[];
  readonly #routed: Float64Array;
  readonly #dropped: Float64Array;
  readonly #rejected: Float64Array;
  readonly #blockedWaits: Float64Array;
  readonly #bytes: Float64Array;
  #closed = false;

  /**
   * @param targets - one per consumer, in partition order: a `SharedArrayBuffer` from
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
    if (opts.ring !== undefined) requireOptions('ring', opts.ring);
    const { producers, owned } = attachTargets(targets, opts.ring);
    this.#producers = producers;
    this.#owned = owned;
    this.size = producers.length;
    this.#routed = new Float64Array(this.size);
    this.#dropped = new Float64Array(this.size);
    this.#rejected = new Float64Array(this.size);
    this.#blockedWaits = new Float64Array(this.size);
    this.#bytes = new Float64Array(this.size);
  }

  /** The target that owns `key`: `partition(key, size)`. Routes nothing. */
  targetOf(key: RouterKey): number {
    if (key instanceof Uint8Array) absorbSlice64(key);
    else hashKey64(key, 'key');
    return modHalves(HALVES[HI] as number, HALVES[LO] as number, this.size);
  }

  /**
   * Writes one record holding `key` and `payload` into the ring of target
   * `partition(key, size)`, and returns that target's index — or -1 when the ring was full and
   * the policy is `'drop'`. The record is published with the ring's next batch (or `flush()`).
   *
   * @throws `TypeError`/`RangeError` for a bad key (as `fxhash64()`) or a payload that is not a
   *   `Uint8Array`; `RangeError` `ERR_CORELANE_RECORD_TOO_LARGE` when key and payload do not fit
   *   the target's `maxRecordBytes` — all before the ring is touched. `ERR_CORELANE_BACKPRESSURE`
   *   (policy `'error'`) or `ERR_CORELANE_TIMEOUT` (policy `'block'` with `timeoutMs`) when the
   *   ring stays full, with nothing written; `ERR_CORELANE_CLOSED` after `close()`, or when the
   *   target's consumer has closed and its ring is full.
   */
  route(key: RouterKey, payload: Uint8Array): number {
    if (this.#closed) throw new CorelaneError(ErrorCode.CLOSED, 'this Router was closed');
    if (!(payload instanceof Uint8Array)) {
      throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, `payload must be a Uint8Array, got ${typeof payload}`);
    }
    // Hash the key, and find the bytes the record stores for it.
    let keyBytes: Uint8Array;
    let keyLength: number;
    let type: RoutedRecordType;
    let wordLo = 0;
    let wordHi = 0;
    if (key instanceof Uint8Array) {
      absorbSlice64(key);
      keyBytes = key;
      keyLength = key.length;
      type = RoutedRecordType.BYTES;
    } else if (typeof key === 'string') {
      keyLength = encodeUtf8(key); // hashed from its UTF-8 bytes: the same as fxhash64(key)
      keyBytes = utf8Bytes();
      absorbUtf8Str64(keyBytes, keyLength);
      type = RoutedRecordType.STRING;
    } else {
      hashKey64(key, 'key'); // validates: a safe integer or a bigint in range
      const hashHi = HALVES[HI] as number;
      const hashLo = HALVES[LO] as number;
      if (typeof key === 'number') {
        wordLo = key | 0;
        wordHi = Math.floor(key / TWO_32) | 0;
        type = RoutedRecordType.NUMBER;
      } else {
        AS_U64[0] = BigInt.asUintN(64, key as bigint);
        wordLo = HALVES[LO] as number;
        wordHi = HALVES[HI] as number;
        type = RoutedRecordType.BIGINT;
      }
      HALVES[HI] = hashHi;
      HALVES[LO] = hashLo;
      keyBytes = NO_BYTES;
      keyLength = 8;
    }
    const target = modHalves(HALVES[HI] as number, HALVES[LO] as number, this.size);
    const producer = this.#producers[target] as TargetProducer;
    const length = ROUTED_HEADER_BYTES + keyLength + payload.length;
    if (length > producer.maxRecordBytes) {
      throw new CorelaneRangeError(
        ErrorCode.RECORD_TOO_LARGE,
        `a routed record of ${length} bytes (4 + key ${keyLength} + payload ${payload.length}) is larger than ` +
          `target ${target}'s maximum of ${producer.maxRecordBytes} bytes`,
      );
    }
    const record = producer.claim(length, type) ?? this.#whenFull(target, producer, length, type);
    if (record === null) return -1;
    record[0] = keyLength;
    record[1] = keyLength >>> 8;
    record[2] = keyLength >>> 16;
    record[3] = keyLength >>> 24;
    if (type === RoutedRecordType.NUMBER || type === RoutedRecordType.BIGINT) {
      for (let i = 0; i < 4; i++) {
        record[4 + i] = wordLo >>> (8 * i);
        record[8 + i] = wordHi >>> (8 * i);
      }
    } else if (keyLength <= COPY_LOOP_UP_TO) {
      for (let i = 0; i < keyLength; i++) record[4 + i] = keyBytes[i] as number;
    } else {
      record.set(keyLength === keyBytes.length ? keyBytes : keyBytes.subarray(0, keyLength), 4);
    }
    record.set(payload, 4 + keyLength);
    producer.commit();
    this.#routed[target] = (this.#routed[target] as number) + 1;
    this.#bytes[target] = (this.#bytes[target] as number) + length;
    return target;
  }

  /** The full-ring policy: a record claimed after waiting, null to drop, or a throw. */
  #whenFull(target: number, producer: TargetProducer, length: number, type: number): Uint8Array | null {
    if (producer.peerClosed) {
      throw new CorelaneError(ErrorCode.CLOSED, `target ${target}'s consumer has closed and its ring is full`);
    }
    if (this.policy === 'drop') {
      this.#dropped[target] = (this.#dropped[target] as number) + 1;
      return null;
    }
    if (this.policy === 'error') {
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
    const deadline = performance.now() + this.#timeoutMs;
    for (;;) {
      const left = deadline - performance.now();
      const wait = left === Number.POSITIVE_INFINITY ? undefined : Math.max(0, Math.ceil(left));
      const room = producer.waitWritable(wait, length); // flushes this ring first, then sleeps
      const record = room ? producer.claim(length, type) : null;
      if (record !== null) return record;
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

  /** Publishes every target's written records now (they are otherwise published per batch and at the end of the task). */
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
   * stay open. `route()` then throws `ERR_CORELANE_CLOSED`. Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#producers.forEach((producer, i) => {
      if (producer.closed) return;
      if (this.#owned[i]) producer.close();
      else producer.flush();
    });
  }
}
