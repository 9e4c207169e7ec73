// A routed record between "the key is hashed and checked" and "it is in the ring": what its
// bytes will be, so that the write itself is a copy. The Router reuses one for route(); a
// routeAsync() that has to wait takes a copy that owns its key bytes (see detach()).
import { copyBytesAt, copyRangeAt } from '@corelane/shared';
import { packAsciiWords } from './remembered-key.js';
import { ROUTED_HEADER_BYTES, RoutedRecordType } from './routed-record.js';

// Byte keys and payloads are copied by copyBytesAt() (@corelane/shared): a byte loop below 16
// bytes, words to 64, set() beyond. A key held in a longer buffer (a string's UTF-8 in the shared
// scratch buffer) is a range of it: copyRangeAt(), a byte loop up to 32 bytes.

/** The key bytes of an integer key, which is written as two words instead. */
const NO_BYTES = new Uint8Array(0);

/** One record, ready to be written into its target's ring. */
export class PreparedRecord {
  /** The target's index. */
  target = 0;
  /** The spsc record type: the key kind (`RoutedRecordType`). */
  type: RoutedRecordType = RoutedRecordType.BYTES;
  /** The key's bytes (a string's UTF-8 in the shared scratch buffer until detach()); unused for integers. */
  keyBytes: Uint8Array = NO_BYTES;
  /** An all-ASCII string key, written from its UTF-16 units (ASCII is its own UTF-8), or null. */
  keyAscii: string | null = null;
  /** Bytes the key takes in the record (8 for an integer). */
  keyLength = 0;
  /** An integer key as two int32 words (NUMBER, BIGINT). */
  wordLo = 0;
  wordHi = 0;
  /** The payload, written after the key. */
  payload: Uint8Array = NO_BYTES;
  /** The whole routed record: 4 + key + payload. */
  length = 0;

  /** Sets the key of a byte or string key (`bytes[0..length)`). */
  setBytes(type: RoutedRecordType, bytes: Uint8Array, length: number): void {
    this.type = type;
    this.keyBytes = bytes;
    this.keyAscii = null;
    this.keyLength = length;
  }

  /** Sets an all-ASCII string key: its units are its UTF-8 bytes, copied straight from the string. */
  setAscii(key: string): void {
    this.type = RoutedRecordType.STRING;
    this.keyBytes = NO_BYTES;
    this.keyAscii = key;
    this.keyLength = key.length;
  }

  /** Sets an integer key, stored as its u64 bits. */
  setWords(type: RoutedRecordType, lo: number, hi: number): void {
    this.type = type;
    this.keyBytes = NO_BYTES;
    this.keyAscii = null;
    this.keyLength = 8;
    this.wordLo = lo;
    this.wordHi = hi;
  }

  /**
   * A copy that owns its key bytes, for a routeAsync() that writes its record later: a string
   * key's bytes live in a scratch buffer that the next call overwrites, and a `Uint8Array` key is
   * the caller's (who may reuse it; the target was computed from the bytes it holds now).
   */
  detach(): PreparedRecord {
    const copy = new PreparedRecord();
    copy.target = this.target;
    copy.type = this.type;
    copy.keyBytes = this.keyBytes === NO_BYTES ? NO_BYTES : this.keyBytes.slice(0, this.keyLength);
    copy.keyAscii = this.keyAscii; // a string: immutable
    copy.keyLength = this.keyLength;
    copy.wordLo = this.wordLo;
    copy.wordHi = this.wordHi;
    copy.payload = this.payload;
    copy.length = this.length;
    return copy;
  }

  /**
   * Writes the record at `data[at]` … `data[at + length - 1]`: `data` is the target ring's one
   * data view and `at` the offset `claimOffset(length)` returned, so nothing is allocated. The
   * claim made room for exactly `length` bytes there, contiguous (spsc never splits a payload).
   */
  writeAt(view: DataView, data: Uint8Array, at: number, words: Int32Array | null): void {
    if (this.keyAscii !== null) writeAsciiKey(data, words, at, this.keyAscii);
    else this.#writeBytes(view, data, at);
    copyBytesAt(view, data, at + ROUTED_HEADER_BYTES + this.keyLength, this.payload);
  }

  /** The length word and a byte key (its first `keyLength` bytes) or an integer key. */
  #writeBytes(view: DataView, data: Uint8Array, at: number): void {
    const keyLength = this.keyLength;
    data[at] = keyLength;
    data[at + 1] = keyLength >>> 8;
    data[at + 2] = keyLength >>> 16;
    data[at + 3] = keyLength >>> 24;
    const keyAt = at + ROUTED_HEADER_BYTES;
    const type = this.type;
    if (type === RoutedRecordType.NUMBER || type === RoutedRecordType.BIGINT) {
      const lo = this.wordLo;
      const hi = this.wordHi;
      for (let i = 0; i < 4; i++) {
        data[keyAt + i] = lo >>> (8 * i);
        data[keyAt + 4 + i] = hi >>> (8 * i);
      }
    } else {
      copyRangeAt(view, data, keyAt, this.keyBytes, 0, keyLength);
    }
  }
}

/**
 * Writes the length word and an all-ASCII key (each UTF-16 unit is its own UTF-8 byte: the
 * caller checked every one) of the routed record at `data[at]`. `words` is a word view of `data`
 * (see `littleEndianWordsOf`) or null.
 *
 * A record's payload starts on an 8-byte boundary (spsc's layout), so the length word and the
 * key after it are word-aligned: whole-word stores, a quarter of the stores of a byte loop (each
 * a store-queue entry while the ring's cache line is fetched from the consumer's core). The
 * last, partial word of the key writes zeros past it, which the payload then overwrites or which
 * stay in the record's own padding: a record of length L takes roundUp8(8 + L) bytes, and
 * 4 + roundUp4(keyLength) <= roundUp8(L) as L >= 4 + keyLength.
 */
export function writeAsciiKey(data: Uint8Array, words: Int32Array | null, at: number, key: string): void {
  const keyLength = key.length;
  if (words === null || (at & 3) !== 0) {
    data[at] = keyLength;
    data[at + 1] = keyLength >>> 8;
    data[at + 2] = 0;
    data[at + 3] = 0;
    for (let i = 0; i < keyLength; i++) data[at + ROUTED_HEADER_BYTES + i] = key.charCodeAt(i);
    return;
  }
  packAsciiWords(words, at >> 2, key);
}
