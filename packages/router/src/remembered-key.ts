// What the Router remembers of a short ASCII string key it has routed: its target and the first
// bytes of its routed record (the key length word and the key), packed once into words. A key
// that comes again is then written as a copy of a few words, not re-read unit by unit from the
// string (each charCodeAt() dispatches on the string's representation; ~2-3 ns a unit for the
// bench's `order:48213` keys, ~25 ns a key, vs ~5 ns for the copy). Both are pure functions of
// the immutable string (and of the router's partitioner and size, fixed for its life).
//
//   words (Int32Array, little-endian bytes; what writeAsciiKey() stores at the record's start)
//   word 0            1               …               ⌈K/4⌉
//   ┌─────────────────┬───────────────┬───────────────┬──────────────────────┐
//   │ K: key length   │ key units 0-3 │ …             │ last units, then 0s  │
//   └─────────────────┴───────────────┴───────────────┴──────────────────────┘
import { LITTLE_ENDIAN } from '@corelane/shared';
import { ROUTED_HEADER_BYTES } from './routed-record.js';

const NO_WORDS = new Int32Array(0);

/** Packs the length word and the units of an all-ASCII `key` into `words[w]`…, as a little-endian record holds them. */
export function packAsciiWords(words: Int32Array, w: number, key: string): void {
  const keyLength = key.length;
  words[w++] = keyLength;
  let i = 0;
  for (const last = keyLength - 4; i <= last; i += 4) {
    words[w++] =
      key.charCodeAt(i) | (key.charCodeAt(i + 1) << 8) | (key.charCodeAt(i + 2) << 16) | (key.charCodeAt(i + 3) << 24);
  }
  if (i < keyLength) {
    let tail = key.charCodeAt(i);
    if (i + 1 < keyLength) tail |= key.charCodeAt(i + 1) << 8;
    if (i + 2 < keyLength) tail |= key.charCodeAt(i + 2) << 16;
    words[w] = tail;
  }
}

/** A string key's target, and for an all-ASCII key the words its routed record starts with. */
export class RememberedKey {
  /** The key's target; a negative value: route it by the general path (not ASCII, or not known). */
  readonly target: number;
  /** Bytes of the length word and the key: 4 + K. */
  readonly keyBytes: number;
  /**
   * The length word and the key as words (see the diagram), to copy into a word view of a ring;
   * empty when the key is not ASCII, or on a big-endian host (where no ring has a word view).
   */
  readonly words: Int32Array;

  /** `key` must be all ASCII when `target >= 0` (hashKey64() said so). */
  constructor(target: number, key: string) {
    this.target = target;
    this.keyBytes = ROUTED_HEADER_BYTES + key.length;
    if (target >= 0 && LITTLE_ENDIAN) {
      this.words = new Int32Array(1 + ((key.length + 3) >> 2));
      packAsciiWords(this.words, 0, key);
    } else {
      this.words = NO_WORDS;
    }
  }
}

/** "Not remembered": what a lookup that misses answers (one shape for every answer). */
export const UNKNOWN_KEY = new RememberedKey(-1, '');
