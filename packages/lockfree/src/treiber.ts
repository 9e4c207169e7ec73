// A Treiber stack of arena blocks whose head is a tagged offset (tagged.ts): the free lists of
// the size classes and the stack of orphaned garbage bags. A block on a stack links to the next
// one through its word at byte +4 (LINK); offset 0 ends the stack (no block starts at 0).
import type { Arena } from './arena.js';
import { offsetOf, retag } from './tagged.js';

/** Byte offset, inside a block, of the word that links it to the next block of its stack. */
export const LINK = 4;

/** Pushes the block at `offset` (which this thread owns, inside its views) onto the stack `words64[index]`. */
export function push(arena: Arena, index: number, offset: number): void {
  for (;;) {
    const head = Atomics.load(arena.words64, index); // SC load
    // SC store of the link, then SC CAS of the head: a popper that loads the new head sees the link.
    Atomics.store(arena.words, (offset + LINK) >> 2, offsetOf(head));
    // Proof obligation (racy edge: concurrent pushes and pops): the CAS succeeds only if no other
    // push or pop succeeded since the load above (each one bumps the tag), so the link written
    // above is the head this block now covers.
    if (Atomics.compareExchange(arena.words64, index, head, retag(head, offset)) === head) return;
  }
}

/** Pops a block from the stack `words64[index]`; 0 when it is empty. The block is then this thread's. */
export function pop(arena: Arena, index: number): number {
  for (;;) {
    const head = Atomics.load(arena.words64, index); // SC load: pairs with the CAS of push()
    const offset = offsetOf(head);
    if (offset === 0) return 0;
    if (offset > arena.safeEnd) arena.refresh();
    // Proof obligation (racy edge: `offset` may be popped and reused by another thread between
    // the load above and this read): the read is always in bounds (the arena never shrinks, and
    // a block never leaves it), and if anyone popped or pushed meanwhile the tag moved, the CAS
    // below fails and the value read is dropped. If nobody did, `offset` was the head throughout
    // and its link, written before it became the head, is unchanged.
    const next = Atomics.load(arena.words, (offset + LINK) >> 2);
    if (Atomics.compareExchange(arena.words64, index, head, retag(head, next)) === head) return offset;
  }
}
