/**
 * One message is one byte-ring record. The record's type word says what it is; the payload
 * holds the request id, the key and the encoded value:
 *
 * ```
 * type word (int32):  bit 0-3 kind · bit 4-6 key tag (KeyTag) · bit 7 no value (undefined)
 *                     · bit 8 int value (INT_VALUE: an i32 instead of the codec's bytes)
 *
 * payload byte 0   ┌───────────────┐  only for kinds with an id (REQUEST, REPLY, ERROR,
 *                  │ id  u32 LE    │  CONTROL, where it is the control op)
 *              +4  ├───────────────┤  only when the key tag is not NONE
 *                  │ keyLen u32 LE │
 *              +8  ├───────────────┤
 *                  │ key bytes     │
 *                  ├───────────────┤
 *                  │ value bytes   │  the codec's encoding (absent when bit 7 is set), or an
 *                  └───────────────┘  i32 LE when bit 8 is set; ERROR and CONTROL values use
 *                                     the internal codec
 * ```
 *
 * The fields are named offsets (`Field`) from the payload's start; a frame is written in
 * place into the ring's data region (`ByteRingProducer.claimOffset()`) and read there
 * (`ByteRingConsumer.readOffsets()`), so neither side allocates a view per record. Records
 * start 8-byte aligned in the ring, so the u32 fields are aligned too.
 */
import { copyBytesAt, copyRangeAt, readWordLE } from '@corelane/shared';
export const Kind = {
  /** A message with no reply: `send(key, v)`, or `sendTo(core, v)` without a key. */
  SEND: 1,
  /** A message with a reply: `request(key, v)`, or `broadcast`/`requestTo` without a key. */
  REQUEST: 2,
  /** The value a request's handler returned. */
  REPLY: 3,
  /** The error a request's handler threw: `{ name, message, code }`. */
  ERROR: 4,
  /** A runtime control record (`ControlOp` in the id field). */
  CONTROL: 5,
} as const;

/** The `id` of a CONTROL record. */
export const ControlOp = {
  /** Handle everything before this, then answer `drained` (stop, phase 1). */
  DRAIN: 1,
  /** Run `onStop`, close the rings and end (stop, phase 2). */
  STOP: 2,
  /** `value` names a core that was restarted: reject this core's requests in flight to it. */
  PEER_RESTARTED: 3,
} as const;

export const KIND_MASK = 0xf;
export const KEY_SHIFT = 4;
export const KEY_MASK = 0x7;
export const NO_VALUE = 0x80;
/** Type-word bit: the value is an int32 written by the frame itself (the default codec's small-integer fast path). */
export const INT_VALUE = 0x100;

/** Byte offsets of a payload's fields (from the payload's start) and their sizes. */
export const Field = {
  /** The id (REQUEST, REPLY, ERROR, CONTROL), u32 LE. */
  ID: 0,
  ID_BYTES: 4,
  /** The key's byte length, u32 LE, then the key: at 0 for SEND, after the id otherwise. */
  KEY_LENGTH_BYTES: 4,
  /** An INT_VALUE value: i32 LE. */
  INT_BYTES: 4,
} as const;

/** Whether a record of `kind` carries an id. */
export function hasId(kind: number): boolean {
  return kind !== Kind.SEND;
}

/** The payload size of a record with these parts. */
export function frameLength(kind: number, keyTag: number, keyLength: number, valueLength: number): number {
  return (hasId(kind) ? Field.ID_BYTES : 0) + (keyTag !== 0 ? Field.KEY_LENGTH_BYTES + keyLength : 0) + valueLength;
}

/** Writes `value` as a u32 LE at `at`. */
export function writeU32(out: Uint8Array, at: number, value: number): void {
  out[at] = value;
  out[at + 1] = value >>> 8;
  out[at + 2] = value >>> 16;
  out[at + 3] = value >>> 24;
}

/** Reads a little-endian u32 at `at`. */
export function readU32(bytes: Uint8Array, at: number): number {
  return readI32(bytes, at) >>> 0;
}

/** Reads a little-endian i32 at `at` (`readWordLE`, shared by every package). */
export const readI32: (bytes: Uint8Array, at: number) => number = readWordLE;

/**
 * Writes a frame's payload into `out` from `start` (exactly `frameLength()` bytes): the key
 * is `key[0..keyLength)` (ignored for `KeyTag.NONE`), or a string written in place one UTF-16
 * unit per byte, which must then be ASCII with `keyLength` its length: returns false, the
 * frame unfinished, at the first unit that is not (the caller encodes the key and writes the
 * frame again). `out` is the ring's data region (the record claimed in place) or an overflow
 * copy (`start` 0). `view` is a DataView of the same memory as `out` (see `dataViewOf`): the
 * key's and the value's bytes go in through `copyRangeAt()` / `copyBytesAt()`.
 *
 * `words`, when given, views the same bytes as `out` as int32s (little endian, see
 * `littleEndianWordsOf`) and `start` is a multiple of 4, as a payload in a ring is: the id, the key
 * length and an ASCII key then go in one store per 4 bytes (every field before the value is
 * 4-aligned), a third of a send's frame writing for a 12-byte key.
 */
export function writeFrame(
  out: Uint8Array,
  view: DataView,
  start: number,
  kind: number,
  id: number,
  keyTag: number,
  key: Uint8Array | string | null,
  keyLength: number,
  value: Uint8Array | null,
  words: Int32Array | null = null,
): boolean {
  let at = start;
  if (hasId(kind)) {
    if (words !== null) words[(at + Field.ID) >> 2] = id;
    else writeU32(out, at + Field.ID, id);
    at += Field.ID_BYTES;
  }
  if (keyTag !== 0 && key !== null) {
    if (words !== null) words[at >> 2] = keyLength;
    else writeU32(out, at, keyLength);
    at += Field.KEY_LENGTH_BYTES;
    if (typeof key === 'string') {
      // One pass: the check and the copy (an ASCII key's UTF-8 bytes are its UTF-16 units).
      let i = 0;
      if (words !== null) {
        for (const w = at >> 2; i + 4 <= keyLength; i += 4) {
          const a = key.charCodeAt(i);
          const b = key.charCodeAt(i + 1);
          const c = key.charCodeAt(i + 2);
          const d = key.charCodeAt(i + 3);
          if ((a | b | c | d) >= 0x80) return false;
          words[w + (i >> 2)] = a | (b << 8) | (c << 16) | (d << 24);
        }
      }
      for (; i < keyLength; i++) {
        const u = key.charCodeAt(i);
        if (u >= 0x80) return false;
        out[at + i] = u;
      }
    } else copyRangeAt(view, out, at, key, 0, keyLength);
    at += keyLength;
  }
  if (value !== null) copyBytesAt(view, out, at, value);
  return true;
}

/** The type word of a frame (`intValue`: the value is an INT_VALUE i32). */
export function frameType(kind: number, keyTag: number, noValue: boolean, intValue = false): number {
  return kind | (keyTag << KEY_SHIFT) | (noValue ? NO_VALUE : 0) | (intValue ? INT_VALUE : 0);
}

/**
 * Where a record's parts are: absolute offsets into the ring's data region (or into the
 * bytes `parse()` was given), so nothing is sliced to read them.
 */
export class FrameView {
  kind = 0;
  id = 0;
  keyTag = 0;
  keyStart = 0;
  keyEnd = 0;
  valueStart = 0;
  valueEnd = 0;
  noValue = false;
  intValue = false;

  /** Parses the header fields of the record whose payload is `data[start..start + length)`. */
  parse(data: Uint8Array, start: number, length: number, type: number): this {
    const kind = type & KIND_MASK;
    this.kind = kind;
    this.keyTag = (type >> KEY_SHIFT) & KEY_MASK;
    this.noValue = (type & NO_VALUE) !== 0;
    this.intValue = (type & INT_VALUE) !== 0;
    let at = start;
    if (hasId(kind)) {
      this.id = readU32(data, at + Field.ID);
      at += Field.ID_BYTES;
    } else {
      this.id = 0;
    }
    if (this.keyTag !== 0) {
      const keyLength = readU32(data, at);
      this.keyStart = at + Field.KEY_LENGTH_BYTES;
      this.keyEnd = this.keyStart + keyLength;
      at = this.keyEnd;
    } else {
      this.keyStart = this.keyEnd = at;
    }
    this.valueStart = at;
    this.valueEnd = start + length;
    return this;
  }
}
