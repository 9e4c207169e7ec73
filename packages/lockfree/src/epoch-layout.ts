import { CorelaneError, ErrorCode, type HeaderExpectation, magicOf, validateHeader } from '@corelane/shared';

/**
 * An epoch domain's buffer (fixed size): the global epoch, then one slot per participating
 * thread, each on its own 128 bytes (a slot is written by its thread on every pin and unpin, and
 * read by whoever tries to advance the epoch).
 *
 * ```
 * byte 0               64       128         132             136             140        256        384        256 + 128·n
 *      ┌───────────────┬────────┬───────────┬───────────────┬───────────────┬──────────┬──────────┬──────────┬─ … ─┐
 *      │ common header │ (zero) │ GLOBAL i32│ NEXT_TOKEN i32│ HIGH_WATER i32│ PAIR i32 │ slot 0   │ slot 1   │     │
 *      │ magic 'CLEP'  │        │ epoch     │ claim tokens  │ slots ever    │ map id   │          │          │     │
 *      │               │        │           │               │ claimed       │          │          │          │     │
 *      └───────────────┴────────┴───────────┴───────────────┴───────────────┴──────────┴──────────┴──────────┴─ … ─┘
 *
 * slot:  +0 EPOCH i32    0 = not pinned; (epoch | 1) = pinned at epoch (epochs are even)
 *        +4 OWNER i32    0 = free; -1 = being released by releaseThread(); else the claim
 *                        token of the domain object holding it
 *        +8 THREAD i32   threadId of the holder (for releaseThread), -1 when free
 * ```
 *
 * Header: magic `CLEP`, version 1, kind 2, variant 0, `capacity` = slots, `dataOffset` = 256,
 * `byteLength` = 256 + 128 · slots.
 */
export const EpochWord = {
  GLOBAL: 128 / 4,
  NEXT_TOKEN: 132 / 4,
  /** 1 + the highest slot index ever claimed: advancing scans only that many slots. */
  HIGH_WATER: 136 / 4,
  /** A random non-zero id the map that owns this domain also holds: attach() checks they match (0 for a domain alone). */
  PAIR: 140 / 4,
} as const;

export const SlotWord = {
  EPOCH: 0,
  OWNER: 1,
  THREAD: 2,
} as const;

export const SLOTS_START = 256;
export const SLOT_BYTES = 128;
export const MAX_SLOTS = 4096;

export const EPOCH_MAGIC = magicOf('CLEP');
export const EPOCH_VERSION = 1;
export const EPOCH_KIND = 2;

export function epochBytes(slots: number): number {
  return SLOTS_START + SLOT_BYTES * slots;
}

const EPOCH_DOMAIN: HeaderExpectation = {
  what: 'corelane epoch domain',
  magic: EPOCH_MAGIC,
  version: EPOCH_VERSION,
  kind: EPOCH_KIND,
  variants: [0],
  checkCapacity: (fields) =>
    fields.capacity >= 1 && fields.capacity <= MAX_SLOTS ? null : `${fields.capacity} slots, expected 1..${MAX_SLOTS}`,
  expectedLayout: (fields) => ({ dataOffset: SLOTS_START, byteLength: epochBytes(fields.capacity) }),
};

/** Checks an epoch domain's header (reading only); throws `ERR_CORELANE_BAD_MAP`; returns the slot count. */
export function validateEpochBuffer(buffer: unknown): number {
  let slots: number;
  try {
    slots = validateHeader(buffer, EPOCH_DOMAIN).capacity;
  } catch (error) {
    if (error instanceof CorelaneError) throw new CorelaneError(ErrorCode.BAD_MAP, error.message, { cause: error });
    throw error;
  }
  // SC loads, reading only. Words no domain can hold: an odd epoch would never advance again,
  // and a high-water mark past the slots would send every advance past the buffer's end.
  const words = new Int32Array(buffer as SharedArrayBuffer, 0, SLOTS_START / 4);
  const global = Atomics.load(words, EpochWord.GLOBAL);
  const highWater = Atomics.load(words, EpochWord.HIGH_WATER);
  const bad = (why: string) => new CorelaneError(ErrorCode.BAD_MAP, `not a corelane epoch domain: ${why}`);
  if ((global & 1) !== 0) throw bad(`the global epoch ${global} is odd (epochs are even)`);
  if (highWater < 0 || highWater > slots) throw bad(`${highWater} slots in use, of ${slots}`);
  return slots;
}
