// A write record as the bytes of one WAL entry, and back: MessagePack of [version, nowMs,
// argv…]. Arguments are latin1 strings, so every byte of a binary key or value survives.
import { Packr } from 'msgpackr';
import type { WriteRecord } from './engine.js';

const VERSION = 1;
const packr = new Packr({ useRecords: false, moreTypes: false });

/** The WAL payload of `record`. */
export function encodeRecord(record: WriteRecord): Uint8Array {
  return packr.pack([VERSION, record.nowMs, ...record.argv]);
}

/** The record {@link encodeRecord} wrote; throws on bytes that are not one. */
export function decodeRecord(bytes: Uint8Array): WriteRecord {
  const decoded = packr.unpack(bytes) as unknown;
  if (!Array.isArray(decoded) || decoded[0] !== VERSION || typeof decoded[1] !== 'number' || decoded.length < 3) {
    throw new Error('corelane-kv: not a write record of version 1');
  }
  const argv = decoded.slice(2);
  if (!argv.every((a) => typeof a === 'string'))
    throw new Error('corelane-kv: a write record argument is not a string');
  return { nowMs: decoded[1], argv: argv as string[] };
}
