import { magicOf } from '@corelane/shared';

/**
 * The map's buffer: a growable `SharedArrayBuffer` whose `maxByteLength` is the map's
 * `arenaBytes`. A control area, then the arena every node, value and bucket segment lives in.
 *
 * ```
 * byte 0                64        128        256        384            512         1024          1536          1664   2048
 *      ┌────────────────┬─────────┬──────────┬──────────┬──────────────┬───────────┬─────────────┬─────────────┬──────┬──────────── … ┐
 *      │ common header  │ (zero)  │ TOP  i32 │ COUNT i32│ BUCKETS_LOG2 │ ORPHANS   │ FREE_HEADS  │ DIRECTORY   │(zero)│ arena blocks  │
 *      │ magic 'CLMP' … │         │ bump     │ entries  │ i32          │ i64 tagged│ 64 × i64    │ 32 × i32    │      │ (16-aligned)  │
 *      └────────────────┴─────────┴──────────┴──────────┴──────────────┴───────────┴─────────────┴─────────────┴──────┴──────────── … ┘
 * ```
 *
 * - Header (`internal/shared` layout): magic `CLMP`, version 1, kind 1, variant 0, `capacity` =
 *   log2 of the buckets in segment 0, `dataOffset` = {@link ARENA_START}, `byteLength` = the
 *   buffer's `maxByteLength` (its length grows; its maximum does not).
 * - `TOP`: the first arena byte never handed out (bump pointer; only grows).
 * - `COUNT`: live entries. `BUCKETS_LOG2`: log2 of the buckets in use (only grows). `PAIR`
 *   (byte 388): a random id the map's epoch buffer holds too, so attach() refuses a map
 *   handed with another map's domain.
 * - `ORPHANS`: a tagged stack of bags of retired blocks left by threads that closed while their
 *   garbage was not yet safe to free (any thread frees them later).
 * - `FREE_HEADS[c]`: the free list of size class `c`, a tagged offset (see arena.ts).
 * - `DIRECTORY[k]`: offset of bucket segment `k` (0 until allocated, -1 while one thread
 *   allocates it). Segment 0 holds `2^capacity` buckets, segment k ≥ 1 holds
 *   `2^(capacity + k - 1)`: buckets double without moving a single one. A bucket is its dummy
 *   node, 16 bytes inline in the segment: `+4 next`, `+8 soKey`, `+12 state` (0 unlinked,
 *   1 being linked, 2 linked).
 *
 * TOP, COUNT and BUCKETS_LOG2 are 128 bytes apart: COUNT is written by every insert and delete,
 * BUCKETS_LOG2 read by every operation.
 */
export const MapWord = {
  TOP: 128 / 4,
  COUNT: 256 / 4,
  BUCKETS_LOG2: 384 / 4,
  /** A random non-zero id, also in the map's epoch buffer: a map is attached with its own domain only. */
  PAIR: 388 / 4,
  /** First of 32 segment offsets. */
  DIRECTORY: 1536 / 4,
} as const;

/** Indexes of the 64-bit words (a `BigInt64Array` over the same buffer). */
export const MapWord64 = {
  ORPHANS: 512 / 8,
  /** First of 64 free-list heads, one per size class. */
  FREE_HEADS: 1024 / 8,
} as const;

/** Where the arena starts: everything before it is the control area. */
export const ARENA_START = 2048;

export const MAP_MAGIC = magicOf('CLMP');
export const MAP_VERSION = 1;
export const MAP_KIND = 1;

/** The most buckets a map grows to (so-keys are 32 bits, and the top bit marks regular nodes). */
export const MAX_BUCKETS_LOG2 = 26;

/**
 * A list node, in an arena block:
 *
 * ```
 * +0          +4                +8         +12             +16                    +20
 * ┌───────────┬─────────────────┬──────────┬───────────────┬──────────────────────┬──────────── … ┐
 * │ class u32 │ next i32        │ soKey u32│ value i32     │ keyMeta i32          │ key bytes     │
 * │ allocator │ offset | MARK   │ split    │ value block,  │ length | kind << 16  │               │
 * │ header    │ (bit 0)         │ order    │ 0 = dead      │ (0 bytes, 1 string)  │               │
 * └───────────┴─────────────────┴──────────┴───────────────┴──────────────────────┴──────────── … ┘
 * ```
 *
 * A value block: `+0 class u32`, `+4 length u32`, `+8` the bytes. Both kinds are immutable once
 * published except `next` and `value`, which only change by CAS / `Atomics.or`.
 */
export const Node = {
  NEXT: 4,
  SO_KEY: 8,
  VALUE: 12,
  KEY_META: 16,
  KEY: 20,
} as const;

export const Value = {
  LENGTH: 4,
  BYTES: 8,
} as const;

/** Bit 0 of a node's `next`: the node is logically deleted and may be unlinked by anyone. */
export const MARK = 1;

/** `keyMeta` kind of a string key (hashed and compared apart from a byte key with the same bytes). */
export const KIND_STRING = 1;
