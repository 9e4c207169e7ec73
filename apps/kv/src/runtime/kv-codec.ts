// How corelane-kv's messages cross the mesh (`defineCore({ codec })` and `Runtime.start({ codec
// })`, the same object): the hot frames, plain commands forwarded to their keys' owner and their
// replies, as flat bytes (forward-frame.ts, reply-frame.ts); everything else (cross-core steps,
// EXEC, blocking commands, listen) as msgpack, with the reactor default's options.
import type { Codec } from '@corelane/reactor';
import { Packr } from 'msgpackr';
import { FLAT_TAG, FlatFrame, FlatKind } from './flat.js';
import { readForward } from './forward-frame.js';
import { ReplyBatch } from './reply-frame.js';

// As the reactor's default: records carry their own structure (a core decodes records from
// several senders), Maps stay Maps, moreTypes (Set, Error), and a decoded Uint8Array is a copy,
// never a view into the ring.
const packr = new Packr({ useRecords: true, mapsAsObjects: false, moreTypes: true, copyBuffers: true });

/**
 * The codec of corelane-kv's mesh. `decode` gets a view into the ring for a request (a FORWARD
 * frame: its strings are copied out) and the reactor's copy for a reply (a REPLIES frame: its
 * replies are views of that copy).
 */
export const kvCodec: Codec = {
  encode(value: unknown): Uint8Array {
    // The ring copies the bytes at once: a FORWARD frame's reused buffer is free again after.
    return value instanceof FlatFrame ? value.bytes : packr.pack(value);
  },
  decode(bytes: Uint8Array): unknown {
    if (bytes[0] !== FLAT_TAG) return packr.unpack(bytes);
    switch (bytes[1]) {
      case FlatKind.FORWARD:
        return readForward(bytes);
      case FlatKind.REPLIES:
        return new ReplyBatch(bytes);
      default:
        throw new Error(`corelane-kv: a flat frame of unknown kind ${bytes[1]}`);
    }
  },
};
