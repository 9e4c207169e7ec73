/**
 * One message is one byte-ring record. The record's type word says what it is; the payload
 * holds the request id, the key and the encoded value:
 *
 * ```
 * type word (int32):  bit 0-3 kind · bit 4-6 key tag (KeyTag) · bit 7 no value (undefined)
 *
 * payload byte 0   ┌───────────────┐  only for kinds with an id (REQUEST, REPLY, ERROR,
 *                  │ id  u32 LE    │  CONTROL, where it is the control op)
 *              +4  ├───────────────┤  only when the key tag is not NONE
 *                  │ keyLen u32 LE │
 *              +8  ├───────────────┤
 *                  │ key bytes     │
 *                  ├───────────────┤
 *                  │ value bytes   │  the codec's encoding (absent when bit 7 is set);
 *                  └───────────────┘  ERROR and CONTROL values use the internal codec
 * ```
 *
 * Records start 8-byte aligned in the ring, so the u32 fields are aligned too.
 */
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

/** Whether a record of `kind` carries an id. */
export function hasId(kind: number): boolean {
  return kind !== Kind.SEND;
}

/** The payload size of a record with these parts. */
export function frameLength(kind: number, keyTag: number, keyLength: number, valueLength: number): number {
  return (hasId(kind) ? 4 : 0) + (keyTag !== 0 ? 4 + keyLength : 0) + valueLength;
}

function writeU32(out: Uint8Array, at: number, value: number): void {
  out[at] = value;
  out[at + 1] = value >>> 8;
  out[at + 2] = value >>> 16;
  out[at + 3] = value >>> 24;
}

/** Reads a little-endian u32 at `at`. */
export function readU32(bytes: Uint8Array, at: number): number {
  return (
    ((bytes[at] as number) |
      ((bytes[at + 1] as number) << 8) |
      ((bytes[at + 2] as number) << 16) |
      ((bytes[at + 3] as number) << 24)) >>>
    0
  );
}

/** Up to this many bytes a loop copies faster than `TypedArray.prototype.set` (measured: 16-byte values, ~12-byte keys). */
const SHORT_COPY = 64;

/** Copies `src[0..length)` to `out` at `at`: a plain loop for short runs (cheaper than a `set()` call), `set()` beyond. */
export function copyBytes(out: Uint8Array, at: number, src: Uint8Array, length: number): void {
  if (length <= SHORT_COPY) {
    for (let i = 0; i < length; i++) out[at + i] = src[i] as number;
  } else out.set(length === src.length ? src : src.subarray(0, length), at);
}

/**
 * Writes a frame's payload into `out` (exactly `frameLength()` bytes): the key is
 * `key[0..keyLength)` (ignored for `KeyTag.NONE`).
 */
export function writeFrame(
  out: Uint8Array,
  kind: number,
  id: number,
  keyTag: number,
  key: Uint8Array | null,
  keyLength: number,
  value: Uint8Array | null,
): void {
  let at = 0;
  if (hasId(kind)) {
    writeU32(out, 0, id);
    at = 4;
  }
  if (keyTag !== 0 && key !== null) {
    writeU32(out, at, keyLength);
    copyBytes(out, at + 4, key, keyLength);
    at += 4 + keyLength;
  }
  if (value !== null) copyBytes(out, at, value, value.length);
}

/** The type word of a frame. */
export function frameType(kind: number, keyTag: number, noValue: boolean): number {
  return kind | (keyTag << KEY_SHIFT) | (noValue ? NO_VALUE : 0);
}

/** Where a decoded record's parts are (offsets into its payload view). */
export class FrameView {
  kind = 0;
  id = 0;
  keyTag = 0;
  keyStart = 0;
  keyEnd = 0;
  valueStart = 0;
  noValue = false;

  /** Parses the header fields of one record. */
  parse(bytes: Uint8Array, type: number): this {
    const kind = type & KIND_MASK;
    this.kind = kind;
    this.keyTag = (type >> KEY_SHIFT) & KEY_MASK;
    this.noValue = (type & NO_VALUE) !== 0;
    let at = 0;
    if (hasId(kind)) {
      this.id = readU32(bytes, 0);
      at = 4;
    } else {
      this.id = 0;
    }
    if (this.keyTag !== 0) {
      const length = readU32(bytes, at);
      this.keyStart = at + 4;
      this.keyEnd = at + 4 + length;
      at = this.keyEnd;
    } else {
      this.keyStart = this.keyEnd = at;
    }
    this.valueStart = at;
    return this;
  }
}
