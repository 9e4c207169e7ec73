// A message between cores is at most half a ring (messages.ts `maxPieceBytes`): replies that
// would not fit become errors, largest first, so the ring never refuses a reply (which would
// fail the core).
import { encodeReply } from '../resp/encoder.js';
import { ErrorReply } from '../resp/reply.js';

/** What a message adds to each reply it carries, at most (msgpack's bin header; a flat frame's end offset). */
const PER_REPLY_BYTES = 5;
/** What a message adds to its replies, at most. */
const PER_MESSAGE_BYTES = 16;

/** The error a reply too large for one message back becomes. */
function tooLarge(bytes: number, bound: number): Buffer {
  const error = `ERR the reply takes ${bytes} bytes, more than the ${bound} one message between cores may carry`;
  return encodeReply(new ErrorReply(error), 2);
}

/** Whether replies of `bytes` bytes in all, `count` of them, fit one message of `bound` bytes. */
export function repliesFit(bytes: number, count: number, bound: number): boolean {
  return PER_MESSAGE_BYTES + bytes + count * PER_REPLY_BYTES <= bound;
}

/** `replies` as one message may carry them: the largest become {@link tooLarge} errors until the rest fit. */
export function fitting(replies: Buffer[], bound: number): Buffer[] {
  let total = 0;
  for (const r of replies) total += r.length;
  if (repliesFit(total, replies.length, bound)) return replies;
  total += PER_MESSAGE_BYTES + replies.length * PER_REPLY_BYTES;
  const out = [...replies];
  const largest = out.map((_, i) => i).sort((a, b) => (out[b] as Buffer).length - (out[a] as Buffer).length);
  for (const i of largest) {
    if (total <= bound) break;
    const error = tooLarge((out[i] as Buffer).length, bound);
    total -= (out[i] as Buffer).length - error.length;
    out[i] = error;
  }
  return out;
}

/** One reply as one message may carry it. */
export function fits(reply: Buffer, bound: number): Buffer {
  return fitting([reply], bound)[0] as Buffer;
}
