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
 */
export function releaseRole(buffer: SharedArrayBuffer, role: RingRole): boolean {
  validateAnyRing(buffer);
  const which = requireOneOf('role', role, ['producer', 'consumer'] as const);
  const words = new Int32Array(buffer, 0, 128);
  const word = which === 'producer' ? Word.PRODUCER_ROLE : Word.CONSUMER_ROLE;
  const before = Atomics.exchange(words, word, Role.CLOSED);
  Atomics.notify(words, Word.TAIL);
  Atomics.notify(words, Word.HEAD);
  return before === Role.JS || before === Role.NATIVE;
}
