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
//  ├───────────────────────────────────────────────────────────────┤
//  │ body: the replies' RESP bytes, back to back                    │
//  └───────────────────────────────────────────────────────────────┘
// ```
import { ReplyWriter } from '../resp/encoder.js';
import type { Reply } from '../resp/reply.js';
import { FLAT_HEADER_BYTES, FLAT_TAG, FlatFrame, FlatKind } from './flat.js';
import { fitting, repliesFit } from './reply-bound.js';

const END_BYTES = 4;

/** One writer for every frame of this thread: `encodeReplies()` empties it before it returns. */
const writer = new ReplyWriter();

/** Writes the frame of `bodies` (one RESP encoding each). */
function frameOf(bodies: readonly Buffer[]): FlatFrame {
  let total = 0;
  for (const b of bodies) total += b.length;
  const start = FLAT_HEADER_BYTES + END_BYTES * bodies.length;
  const out = Buffer.allocUnsafe(start + total);
  let end = 0;
  for (let i = 0; i < bodies.length; i++) {
    const b = bodies[i] as Buffer;
    b.copy(out, start + end);
    end += b.length;
    out.writeUInt32LE(end, FLAT_HEADER_BYTES + END_BYTES * i);
  }
  return header(out, bodies.length);
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
 * message of `bound` bytes, the largest become errors (reply-bound.ts).
 */
export function encodeReplies(replies: readonly Reply[], protocols: readonly (2 | 3)[], bound: number): FlatFrame {
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
    return frameOf(fitting(bodies, bound));
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

  /** The RESP bytes of reply `i`. */
  at(i: number): Buffer {
    const begin = i === 0 ? 0 : this.#bytes.readUInt32LE(FLAT_HEADER_BYTES + END_BYTES * (i - 1));
    const end = this.#bytes.readUInt32LE(FLAT_HEADER_BYTES + END_BYTES * i);
    return this.#bytes.subarray(this.#start + begin, this.#start + end);
  }
}
