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
 * - Header (`internal/shared` layout): magic `CLMP`, version 3, kind 1, variant 0, `capacity` =
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
 *   node's `next`, `soKey` and `state` (0 unlinked, 1 being linked, 2 linked), 12 bytes inline
 *   in the segment; the dummy's address is 4 bytes before them (table.ts, `dummyOf`).
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
/**
 * 3: buckets are 12 bytes (2: 16 bytes, the dummy's unused class word included; 2 brought the
 * node's `slots` word and two inline value slots; 1: one inline value, key at +20).
 */
export const MAP_VERSION = 3;
export const MAP_KIND = 1;

/** The most buckets a map grows to (so-keys are 32 bits, and the top bit marks regular nodes). */
export const MAX_BUCKETS_LOG2 = 26;

/**
 * A list node, in an arena block (layout versions 2 and 3):
 *
 * ```
 * +0          +4                +8         +12             +16                  +20          +24
 * ┌───────────┬─────────────────┬──────────┬───────────────┬────────────────────┬────────────┬────────────┬──────────────┬──────────────┐
 * │ class u32 │ next i32        │ soKey u32│ value i32     │ keyMeta i32        │ slots u32  │ key bytes  │ slot A       │ slot B       │
 * │ allocator │ offset | MARK   │ split    │ value block,  │ length | kind << 16│ capacity of│            │ (4-aligned)  │ (when slots  │
 * │ header    │ (bit 0)         │ order    │ 0 = dead      │ (0 bytes, 1 string)│ each slot  │            │ 12 + slots B │  is not 0)   │
 * └───────────┴─────────────────┴──────────┴───────────────┴────────────────────┴────────────┴────────────┴──────────────┴──────────────┘
 * ```
 *
 * A value of up to 64 bytes at insert gets two inline slots of `slots` bytes each (at least 8,
 * a multiple of 8); a larger one that fits the block gets slot A alone (`slots` 0, never
 * reused); a value that does not fit, or a later one larger than `slots`, is an out-of-line
 * block. A slot is `+0 state i32` then a value block (see inline-slots.ts): the value word
 * points at its `+4`. For the layout example of a 9-byte key and a 16-byte value: key at +24,
 * slot A at +36 (its value block at +40), slot B at +64 (value block at +68), 92 bytes in all.
 *
 * A value block: `+0 class u32`, `+4 length u32`, `+8` the bytes. Nodes are immutable once
 * published except `next` and `value` (changed by CAS / `Atomics.or`) and a slot that is not
 * the current value (written by its one claimer, see inline-slots.ts); value blocks are
 * immutable while any pinned thread may read them.
 */
export const Node = {
  NEXT: 4,
  SO_KEY: 8,
  VALUE: 12,
  KEY_META: 16,
  /** Capacity in bytes of each of the two inline value slots; 0: one slot (or none), never reused. */
  SLOTS: 20,
  KEY: 24,
} as const;

export const Value = {
  LENGTH: 4,
  BYTES: 8,
} as const;

/** Bit 0 of a node's `next`: the node is logically deleted and may be unlinked by anyone. */
export const MARK = 1;

/** `keyMeta` kind of a string key (hashed and compared apart from a byte key with the same bytes). */
export const KIND_STRING = 1;
