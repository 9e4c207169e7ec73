import { CorelaneTypeError, ErrorCode } from '@corelane/shared';
import { Packr } from 'msgpackr';
import { ValueViews } from './value-views.js';

/**
 * How values cross the rings: `encode` turns a value into bytes (which the ring copies at once,
 * so the returned view may be reused by the next call), `decode` turns the bytes of one record
 * back into a value. `bytes` is a view into the ring, valid only during the call: a decoder that
 * keeps it must copy.
 */
export interface Codec {
  encode(value: unknown): Uint8Array;
  decode(bytes: Uint8Array): unknown;
}

/** The `codec` option: `'msgpack'` (default), `'raw'` (Uint8Array in, a view out), or your own. */
export type CodecOption = 'msgpack' | 'raw' | Codec;

/**
 * A codec as the mesh uses it (internal): `decodeAt` decodes `data[start..end)` of the ring's
 * data region in place (no view of the record is made when the codec can read a range), and
 * `ints` says whether int32 values may skip the codec (frame bit INT_VALUE): only where the
 * codec would decode them to the same number (msgpack), never for `'raw'` or a custom codec,
 * which must see every value.
 */
export interface RingCodec extends Codec {
  decodeAt(data: Uint8Array, start: number, end: number): unknown;
  /** `decodeAt` for a value that outlives the record (a reply): never a view into the ring. */
  decodeKept(data: Uint8Array, start: number, end: number): unknown;
  readonly ints: boolean;
}

function msgpackCodec(): RingCodec {
  // Plain objects travel as records, whose structure each message carries itself (no shared
  // structures: a core decodes records from several senders, in any order), so msgpack maps
  // can stay Maps (mapsAsObjects: false). moreTypes: Set, Error, typed arrays. copyBuffers: a
  // decoded Uint8Array must not be a view into the ring, which the producer overwrites once
  // the record is consumed.
  const packr = new Packr({ useRecords: true, mapsAsObjects: false, moreTypes: true, copyBuffers: true });
  // One range object, reused: msgpackr reads `start`/`end` at the call's start. Decoding a
  // range of the ring's one data view also reuses msgpackr's DataView of it (cached on the
  // source), where a fresh view per record would cost a fresh DataView each time.
  const range = { start: 0, end: 0 };
  return {
    encode: (value) => packr.pack(value),
    decode: (bytes) => packr.unpack(bytes),
    decodeAt(data, start, end) {
      range.start = start;
      range.end = end;
      return packr.unpack(data, range);
    },
    // copyBuffers: what msgpack decodes never points into the ring.
    decodeKept(data, start, end) {
      return this.decodeAt(data, start, end);
    },
    ints: true,
  };
}

/** The views `'raw'` hands handlers (one set per thread: each thread has its own rings' data views). */
const rawViews = new ValueViews();

const raw: RingCodec = {
  encode(value) {
    if (!(value instanceof Uint8Array)) {
      throw new CorelaneTypeError(
        ErrorCode.INVALID_ARGUMENT,
        `with codec 'raw' a value must be a Uint8Array (or undefined), got ${value === null ? 'null' : typeof value}`,
      );
    }
    return value;
  },
  decode: (bytes) => bytes,
  decodeAt: (data, start, end) => rawViews.at(data, start, end),
  decodeKept: (data, start, end) => data.slice(start, end),
  ints: false,
};

/** The codec an option names; throws a typed error for anything else. */
export function resolveCodec(option: unknown): RingCodec {
  if (option === undefined || option === 'msgpack') return msgpackCodec();
  if (option === 'raw') return raw;
  if (
    typeof option === 'object' &&
    option !== null &&
    typeof (option as Codec).encode === 'function' &&
    typeof (option as Codec).decode === 'function'
  ) {
    const custom = option as Codec;
    return {
      encode: (value) => custom.encode(value),
      decode: (bytes) => custom.decode(bytes),
      decodeAt: (data, start, end) => custom.decode(data.subarray(start, end)),
      // A decoder may keep the bytes it is given (a view): a reply's must be a copy.
      decodeKept: (data, start, end) => custom.decode(data.slice(start, end)),
      ints: false,
    };
  }
  throw new CorelaneTypeError(
    ErrorCode.INVALID_ARGUMENT,
    `codec must be 'msgpack', 'raw' or an object with encode() and decode(), got ${
      typeof option === 'string' ? JSON.stringify(option) : option === null ? 'null' : typeof option
    }`,
  );
}

/** The codec of error payloads and control records, whatever the runtime's codec is. */
export const internalCodec: RingCodec = msgpackCodec();
