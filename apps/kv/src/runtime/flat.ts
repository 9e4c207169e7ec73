// What the flat frames between cores share (forward-frame.ts, reply-frame.ts): the tag byte
// that tells them from msgpack (kv-codec.ts), their kinds, and the frame wrapper the codec
// sends as it is.

/**
 * The first byte of every flat frame: 0xc1 is the one byte msgpack never writes ("never
 * used"), so a record starting with it is a flat frame and anything else is msgpack.
 */
export const FLAT_TAG = 0xc1;

/** Byte 1 of a flat frame. */
export const FlatKind = {
  /** Plain commands forwarded to their keys' owner (forward-frame.ts). */
  FORWARD: 1,
  /** Their replies, in order (reply-frame.ts). */
  REPLIES: 2,
} as const;

/** Bytes of a flat frame's header: tag, kind, a u16 and a u32 (the frame's count). */
export const FLAT_HEADER_BYTES = 8;

/** Bytes already laid out as a flat frame: the codec hands them to the ring as they are. */
export class FlatFrame {
  constructor(readonly bytes: Uint8Array) {}
}
