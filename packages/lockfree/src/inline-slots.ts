// Two value slots inline in a node: a `set` of a small value writes the slot that is not the
// current one and publishes it with the same CAS of the node's value word as an out-of-line
// block, so a `get` finds the value in the node it already loaded (no fourth cache miss).
//
// A slot (4-aligned, right after the key bytes; slot B right after slot A):
//
//   +0           +4                  +8            +12
//   ┌────────────┬───────────────────┬─────────────┬───────────── … ┐
//   │ state i32  │ class u32 = 255   │ length u32  │ bytes          │  capacity: the node's
//   │ BUSY/FRESH/│ (INLINE_CLASS:    │             │ (`Node.SLOTS`  │  `slots` word
//   │ epoch      │  never freed)     │             │  bytes)        │
//   └────────────┴───────────────────┴─────────────┴───────────── … ┘
//                ^ the value word points here: from +4 on it is an ordinary value block
//
// State: BUSY (1) while the slot is the current value or one writer is filling it; FRESH (3)
// never published; an even number: the global epoch read after the CAS that replaced it.
//
// Proof obligation (the slot's reuse, the edge that could tear a read): a reader pins, loads the
// value word (SC), then reads the block it names plainly. A slot's bytes are written only by the
// writer that moved its state from a reusable one to BUSY (one CAS: one writer at a time), and
// a stamped slot is reusable only once the global epoch moved twice past its stamp. Any reader
// that loaded the value word while it named the slot pinned before the replacing CAS, so at an
// epoch p <= stamp; the epoch cannot pass p + 2 while it stays pinned (tryAdvance() needs every
// pinned slot at the current epoch), so while it reads, global - stamp is 0 or 2: not reusable.
// Hence no byte a reader copies changes under it (no torn value), and what it copies is what the
// CAS it loaded published (no stale-after-newer: value words are loaded SC, in order).
import { Node } from './layout.js';

/** Bytes of a slot before its value bytes: state, class, length. */
export const SLOT_HEADER = 12;

/** Offset of the value block (class, length, bytes) inside a slot: the value word points there. */
export const SLOT_VALUE = 4;

/** The largest value a node is created with two slots for (a larger one has one, never reused). */
export const INLINE_SLOT_MAX_BYTES = 64;

/** The current value, or being filled by its one claimer: nobody else may write or claim it. */
export const SLOT_BUSY = 1;

/** Never published: reusable at once. */
export const SLOT_FRESH = 3;

/** Offset, from the node, of slot A of a node whose key is `keyLength` bytes. */
export function slotsAt(keyLength: number): number {
  return (Node.KEY + keyLength + 3) & ~3;
}

/** The capacity of each of the two slots of a new node for a first value of `length` bytes, or 0 (one slot). */
export function slotCapacity(length: number): number {
  return length <= INLINE_SLOT_MAX_BYTES ? Math.max(8, (length + 7) & ~7) : 0;
}

/** Bytes of a node holding its value inline: two slots of `capacity`, or one slot of `length` when 0. */
export function inlineNodeBytes(keyLength: number, length: number, capacity: number): number {
  return slotsAt(keyLength) + (capacity === 0 ? SLOT_HEADER + length : 2 * (SLOT_HEADER + capacity));
}

/**
 * Whether a slot in `state` may be claimed, `global` being the global epoch loaded after the
 * state. Proof obligation (wrap-around): while a reader of the slot is pinned, the distance is
 * exactly 0 or 2 (see the file's comment; the epoch was loaded after the stamp, so it is not
 * behind it), so any other distance, a negative one after 2^30 advances included, is safe.
 */
export function reusable(state: number, global: number): boolean {
  if (state === SLOT_FRESH) return true;
  if ((state & 1) !== 0) return false; // BUSY
  const distance = (global - state) | 0;
  return distance !== 0 && distance !== 2;
}

/**
 * Claims a slot of `node` other than the one `old` (its current value block) names, for a
 * value of `length` bytes: its value-block offset, or 0 when the node has no free slot that
 * fits (then the value goes out of line). `epoch` loads the global epoch (SC). On success the
 * slot's previous state is in `claimed.state`, for {@link releaseSlot}.
 */
export function claimSlot(
  words: Int32Array,
  node: number,
  keyLength: number,
  old: number,
  length: number,
  epoch: () => number,
  claimed: { state: number },
): number {
  const capacity = words[(node + Node.SLOTS) >> 2] as number; // plain: immutable once published
  if (capacity === 0 || length > capacity) return 0;
  const a = node + slotsAt(keyLength);
  const b = a + SLOT_HEADER + capacity;
  // The current slot is BUSY anyway; skipping it saves a load.
  if (old !== a + SLOT_VALUE && claimOne(words, a, epoch, claimed)) return a + SLOT_VALUE;
  if (old !== b + SLOT_VALUE && claimOne(words, b, epoch, claimed)) return b + SLOT_VALUE;
  return 0;
}

function claimOne(words: Int32Array, slot: number, epoch: () => number, claimed: { state: number }): boolean {
  const state = Atomics.load(words, slot >> 2); // SC load, before the epoch's
  if (state === SLOT_BUSY) return false; // the common refusal, without loading the epoch
  // The epoch is loaded after the state: a stamp seen was stored before it, so the epoch is not
  // behind the stamp (the distance in reusable() is never negative but by wrap-around).
  if (state !== SLOT_FRESH && !reusable(state, epoch())) return false;
  // Proof obligation (racy edge: two writers claiming one slot, or a state that went away and
  // came back): the CAS lets one writer own it; a state equal to the one judged reusable is
  // reusable still (stamps only grow, and a lost claim puts back the very state it took).
  if (Atomics.compareExchange(words, slot >> 2, state, SLOT_BUSY) !== state) return false;
  claimed.state = state;
  return true;
}

/**
 * Gives back a claimed slot whose value was never published (the value word's CAS was lost):
 * nobody read what was written into it, so its previous, reusable state is still true.
 */
export function releaseSlot(words: Int32Array, value: number, state: number): void {
  Atomics.store(words, (value - SLOT_VALUE) >> 2, state); // SC store
}

/**
 * After the value word's CAS replaced the inline value `value`: stamps its slot with the
 * global epoch, loaded now (SC, after the CAS), so that it is reused only after two advances.
 */
export function retireSlot(words: Int32Array, value: number, global: number): void {
  Atomics.store(words, (value - SLOT_VALUE) >> 2, global); // SC store
}
