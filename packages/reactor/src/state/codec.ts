import { Packr } from 'msgpackr';

/** How `DurableState` turns records into bytes for the log and back. */
export interface RecordCodec<R> {
  encode(record: R): Uint8Array;
  decode(bytes: Uint8Array): R;
}

/**
 * The default codec: MessagePack through msgpackr, with its record extension off, so every
 * record decodes on its own (a recovering process knows no structures an earlier one defined).
 */
export function msgpackCodec<R>(): RecordCodec<R> {
  const packr = new Packr({ useRecords: false });
  return {
    encode: (record) => packr.pack(record),
    decode: (bytes) => packr.unpack(bytes) as R,
  };
}
