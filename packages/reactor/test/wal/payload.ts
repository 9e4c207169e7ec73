// Self-checking payloads, shared by the tests and their child processes (which load this file
// with Node's type stripping), so a replayed record proves it is exactly what was appended.
import { crc32c } from '@node-rs/crc32';

/**
 * A payload that proves its own integrity: `[tag u32][counter u32][crc32c of the rest u32][filler]`,
 * the filler derived from tag and counter, its length from the counter (0..200 filler bytes).
 */
export function payload(tag: number, counter: number): Buffer {
  const filler = (counter * 37 + tag * 11) % 201;
  const out = Buffer.alloc(12 + filler);
  out.writeUInt32LE(tag, 0);
  out.writeUInt32LE(counter, 4);
  for (let i = 0; i < filler; i++) out[12 + i] = (tag * 31 + counter * 7 + i) & 0xff;
  out.writeUInt32LE((crc32c(out.subarray(12)) ^ crc32c(out.subarray(0, 8))) >>> 0, 8);
  return out;
}

/** The tag and counter of a payload, or null when it is not one `payload()` made (damaged). */
export function readPayload(data: Uint8Array): { tag: number; counter: number } | null {
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (b.length < 12) return null;
  const tag = b.readUInt32LE(0);
  const counter = b.readUInt32LE(4);
  if (!payload(tag, counter).equals(b)) return null;
  return { tag, counter };
}
