// The replies of one FORWARD frame (forward-frame.ts), in its order, as one flat frame: their
// RESP bytes back to back behind a table of where each ends. The owner encodes them with one
// writer; the connection's core reads the frame (a copy the codec made) once and hands each
// reply out as a view of it, where msgpack made a Buffer per reply.
//
// ```
//  0       1       2               4                               8
//  ┌───────┬───────┬───────────────┬───────────────────────────────┐
//  │ 0xc1  │ kind  │ 0 (u16)       │ count (u32 LE)                │  header (FLAT_HEADER_BYTES)
//  ├───────┴───────┴───────────────┴───────────────────────────────┤
//  │ count × end (u32 LE): where reply i ends, from the body's start │
//  │   (bit 31 set: reply i was kept on the owner, its body the u32  │
//  │   token to take it by)                                          │
//  ├───────────────────────────────────────────────────────────────┤
//  │ body: the replies' RESP bytes, back to back                    │
//  └───────────────────────────────────────────────────────────────┘
// ```
//
// A frame's replies may belong to many connections (every connection read in one event-loop
// iteration shares a FORWARD frame), so replies that each fit one message may not fit it
// together: the largest are then kept on the owner, and the connection's core takes each with
// a message of its own ('take', messages.ts). Only a reply too large even alone is an error.
import { ReplyWriter } from '../resp/encoder.js';
import type { Reply } from '../resp/reply.js';
import { FLAT_HEADER_BYTES, FLAT_TAG, FlatFrame, FlatKind } from './flat.js';
import { fits, repliesFit } from './reply-bound.js';

const END_BYTES = 4;
/** Bit 31 of an end: the reply was kept on the owner; its body is the token (TOKEN_BYTES). */
const KEPT = 0x80000000;
const END_MASK = 0x7fffffff;
const TOKEN_BYTES = 4;

/** Keeps a reply on the owner for the connection's core to take; returns its token (a u32). */
export type KeepReply = (reply: Buffer) => number;

/** One writer for every frame of this thread: `encodeReplies()` empties it before it returns. */
const writer = new ReplyWriter();

/** Writes the frame of `entries`: a RESP encoding each, or the token of a reply kept on the owner. */
function frameOf(entries: readonly (Buffer | number)[]): FlatFrame {
  let total = 0;
  for (const e of entries) total += typeof e === 'number' ? TOKEN_BYTES : e.length;
  const start = FLAT_HEADER_BYTES + END_BYTES * entries.length;
  const out = Buffer.allocUnsafe(start + total);
  let end = 0;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as Buffer | number;
    if (typeof e === 'number') {
      out.writeUInt32LE(e, start + end);
      end += TOKEN_BYTES;
      out.writeUInt32LE((end | KEPT) >>> 0, FLAT_HEADER_BYTES + END_BYTES * i);
    } else {
      e.copy(out, start + end);
      end += e.length;
      out.writeUInt32LE(end, FLAT_HEADER_BYTES + END_BYTES * i);
    }
  }
  return header(out, entries.length);
}

/**
 * `bodies` as one message of `bound` bytes carries them: the largest are kept on the owner
 * (`keep`, a copy: `bodies` are views of the writer's output) until the rest fit; one that
 * would not fit a message even alone becomes an error (reply-bound.ts `fits`).
 */
function sharing(bodies: readonly Buffer[], bound: number, keep: KeepReply): (Buffer | number)[] {
  let total = 0;
  for (const b of bodies) total += b.length;
  const out: (Buffer | number)[] = [...bodies];
  const largest = bodies.map((_, i) => i).sort((a, b) => (bodies[b] as Buffer).length - (bodies[a] as Buffer).length);
  for (const i of largest) {
    if (repliesFit(total, bodies.length, bound)) break;
    const body = bodies[i] as Buffer;
    const alone = fits(body, bound);
    if (alone !== body) {
      out[i] = alone;
      total += alone.length - body.length;
    } else {
      out[i] = keep(Buffer.from(body));
      total += TOKEN_BYTES - body.length;
    }
  }
  return out;
}

function header(out: Buffer, count: number): FlatFrame {
  out[0] = FLAT_TAG;
  out[1] = FlatKind.REPLIES;
  out[2] = 0;
  out[3] = 0;
  out.writeUInt32LE(count, 4);
  return new FlatFrame(out);
}

/**
 * The frame of `replies`, reply `i` encoded for `protocols[i]`; when they would not fit one
 * message of `bound` bytes, the largest are kept on the owner (`keep`) until the rest fit, and
 * one too large even alone becomes an error (reply-bound.ts).
 */
export function encodeReplies(
  replies: readonly Reply[],
  protocols: readonly (2 | 3)[],
  bound: number,
  keep: KeepReply,
): FlatFrame {
  const w = writer;
  const ends: number[] = new Array(replies.length);
  try {
    for (let i = 0; i < replies.length; i++) {
      w.protocol = protocols[i] as 2 | 3;
      w.write(replies[i] as Reply);
      ends[i] = w.size;
    }
  } catch (error) {
    w.take(); // nothing of this frame is left for the next one
    throw error;
  }
  const body = w.take();
  if (!repliesFit(body.length, replies.length, bound)) {
    const bodies = ends.map((end, i) => body.subarray(i === 0 ? 0 : (ends[i - 1] as number), end));
    return frameOf(sharing(bodies, bound, keep));
  }
  const start = FLAT_HEADER_BYTES + END_BYTES * replies.length;
  const out = Buffer.allocUnsafe(start + body.length);
  for (let i = 0; i < ends.length; i++) out.writeUInt32LE(ends[i] as number, FLAT_HEADER_BYTES + END_BYTES * i);
  body.copy(out, start);
  return header(out, replies.length);
}

/** A decoded REPLIES frame: reply `i` is `at(i)`, a view of the frame's one copy. */
export class ReplyBatch {
  readonly count: number;
  readonly #bytes: Buffer;
  readonly #start: number;

  /** `bytes` must be the frame's own copy (the codec's `decodeKept`): the replies are views of it. */
  constructor(bytes: Uint8Array) {
    this.#bytes = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.count = this.#bytes.readUInt32LE(4);
    this.#start = FLAT_HEADER_BYTES + END_BYTES * this.count;
  }

  /** The RESP bytes of reply `i` (unless it was kept on the owner: see `kept()`). */
  at(i: number): Buffer {
    const begin = i === 0 ? 0 : this.#bytes.readUInt32LE(FLAT_HEADER_BYTES + END_BYTES * (i - 1)) & END_MASK;
    const end = this.#bytes.readUInt32LE(FLAT_HEADER_BYTES + END_BYTES * i) & END_MASK;
    return this.#bytes.subarray(this.#start + begin, this.#start + end);
  }

  /** The token reply `i` was kept on the owner under ('take' it from there), or -1 when it is here. */
  kept(i: number): number {
    const end = this.#bytes.readUInt32LE(FLAT_HEADER_BYTES + END_BYTES * i);
    if (end < KEPT) return -1;
    return this.#bytes.readUInt32LE(this.#start + (end & END_MASK) - TOKEN_BYTES);
  }
}
