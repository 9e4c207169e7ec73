import { CorelaneTypeError, ErrorCode } from '@corelane/shared';
import { Packr } from 'msgpackr';

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

function msgpackCodec(): Codec {
  // Plain objects travel as records, whose structure each message carries itself (no shared
  // structures: a core decodes records from several senders, in any order), so msgpack maps
  // can stay Maps (mapsAsObjects: false). moreTypes: Set, Error, typed arrays. copyBuffers: a
  // decoded Uint8Array must not be a view into the ring, which the producer overwrites once
  // the record is consumed.
  const packr = new Packr({ useRecords: true, mapsAsObjects: false, moreTypes: true, copyBuffers: true });
  return { encode: (value) => packr.pack(value), decode: (bytes) => packr.unpack(bytes) };
}

const raw: Codec = {
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
};

/** The codec an option names; throws a typed error for anything else. */
export function resolveCodec(option: unknown): Codec {
  if (option === undefined || option === 'msgpack') return msgpackCodec();
  if (option === 'raw') return raw;
  if (
    typeof option === 'object' &&
    option !== null &&
    typeof (option as Codec).encode === 'function' &&
    typeof (option as Codec).decode === 'function'
  ) {
    return option as Codec;
  }
  throw new CorelaneTypeError(
    ErrorCode.INVALID_ARGUMENT,
    `codec must be 'msgpack', 'raw' or an object with encode() and decode(), got ${
      typeof option === 'string' ? JSON.stringify(option) : option === null ? 'null' : typeof option
    }`,
  );
}

/** True for the `'raw'` codec, whose decoded values are views that the main thread must copy. */
export function isRaw(codec: Codec): boolean {
  return codec === raw;
}

/** The codec of error payloads and control records, whatever the runtime's codec is. */
export const internalCodec: Codec = msgpackCodec();
