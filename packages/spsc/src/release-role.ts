import { HEADER_BYTES, type HeaderFields, readHeader, requireOneOf, validateHeader } from '@corelane/shared';
import { BYTE_RING, RingKind, Role, SLOT_RING, Word } from './layout.js';
import type { RingRole } from './side.js';

/** Validates `buffer` as a ring of either kind, choosing the expectation from its kind word. */
export function validateAnyRing(buffer: unknown): HeaderFields {
  const kind =
    buffer instanceof SharedArrayBuffer && buffer.byteLength >= HEADER_BYTES ? readHeader(buffer).kind : RingKind.SLOT;
  return validateHeader(buffer, kind === RingKind.BYTE ? BYTE_RING : SLOT_RING);
}

/**
 * Marks the `role` of a ring as closed on behalf of a side that can no longer do it: a side in a
 * worker stopped with `worker.terminate()` runs no more code, so its role stays held. Call this
 * only once that thread is known to be gone (its `'exit'` event fired); the peer then sees
 * `peerClosed`, a sleeping peer is woken, and a new side may attach and continue where the
 * old one stopped (records it wrote but never published are lost). Returns true when the role
 * was held.
 *
 * The role's generation is bumped as well, so a side that was in fact still alive never takes
 * the role back: its later `close()` publishes nothing and leaves the role to whoever holds it
 * now (a native thread behaves the same when it ends).
 */
export function releaseRole(buffer: SharedArrayBuffer, role: RingRole): boolean {
  validateAnyRing(buffer);
  const which = requireOneOf('role', role, ['producer', 'consumer'] as const);
  const words = new Int32Array(buffer, 0, 128);
  const producer = which === 'producer';
  // Bump the generation first: the side that held the role sees it changed and, when it closes
  // later after all, leaves the role (by then perhaps another side's) alone.
  Atomics.add(words, producer ? Word.PRODUCER_GENERATION : Word.CONSUMER_GENERATION, 1);
  const before = Atomics.exchange(words, producer ? Word.PRODUCER_ROLE : Word.CONSUMER_ROLE, Role.CLOSED);
  Atomics.notify(words, Word.TAIL);
  Atomics.notify(words, Word.HEAD);
  return before === Role.JS || before === Role.NATIVE;
}
