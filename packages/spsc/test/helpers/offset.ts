import { Word } from '../../src/layout.js';

/**
 * Starts a fresh ring's counters at `start` (an unsigned 32-bit value) instead of 0, as if
 * `start` items (or bytes) had already passed through: lets a test reach every wrap-around of the
 * data and the 2^32 wrap of the counters without pushing billions of items. Test-only: it writes
 * the tail and head words before any side attaches.
 */
export function startCountersAt(buffer: SharedArrayBuffer, start: number): SharedArrayBuffer {
  const words = new Int32Array(buffer);
  words[Word.TAIL] = start | 0;
  words[Word.HEAD] = start | 0;
  return buffer;
}
