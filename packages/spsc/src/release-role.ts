import { HEADER_BYTES, type HeaderFields, readHeader, requireOneOf, validateHeader } from '@corelane/shared';
import { BYTE_RING, RingKind, Role, SLOT_RING, Word } from './layout.js';
import { forceCloseRole } from './role.js';
import type { RingRole } from './side.js';
import { sleepWordsOf, wakeSide } from './sleep.js';

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
 * A side that was in fact still alive never takes the role back: its role token (the role word
 * with the generation of its claim) no longer matches, so its later `close()` publishes nothing
 * and leaves the role to whoever holds it now (a native thread behaves the same when it ends).
 */
export function releaseRole(buffer: SharedArrayBuffer, role: RingRole): boolean {
  validateAnyRing(buffer);
  const which = requireOneOf('role', role, ['producer', 'consumer'] as const);
  const words = new Int32Array(buffer, 0, 128);
  const producer = which === 'producer';
  const before = forceCloseRole(words, producer ? Word.PRODUCER_ROLE : Word.CONSUMER_ROLE);
  // Wake both: the peer must see the role closed, and the old side (if it still sleeps) too.
  for (const side of [sleepWordsOf(!producer), sleepWordsOf(producer)]) wakeSide(words, side.sleep, side.wake);
  return before === Role.JS || before === Role.NATIVE;
}
