// MeshDispatcher (src/runtime/mesh-dispatcher.ts) against a port that behaves as the mesh does
// for it: each request's frame is copied at once (as the ring copies a record), a frame larger
// than one message is refused, and the owner answers a FORWARD frame with one REPLIES frame.
import { describe, expect, it } from 'vitest';
import { encodeReply } from '../src/resp/encoder.js';
import { ErrorReply, type RawReply, type Reply } from '../src/resp/reply.js';
import { FlatFrame } from '../src/runtime/flat.js';
import type { ForwardBatch } from '../src/runtime/forward-frame.js';
import { kvCodec } from '../src/runtime/kv-codec.js';
import { MeshDispatcher, type MeshPort } from '../src/runtime/mesh-dispatcher.js';
import { encodeReplies } from '../src/runtime/reply-frame.js';
import { newSession } from '../src/server/session.js';

const MAX_FRAME = 4096;

/** The frames sent, as the owner decoded them, and the size of the buffer each was a view of. */
class FakeOwner implements MeshPort {
  readonly batches: ForwardBatch[] = [];
  readonly bufferBytes: number[] = [];
  requestTo(_core: number, value: unknown): Promise<unknown> {
    if (!(value instanceof FlatFrame)) return Promise.reject(new Error('only frames expected'));
    const bytes = kvCodec.encode(value);
    if (bytes.length > MAX_FRAME) return Promise.reject(new Error(`a record of ${bytes.length} bytes is too large`));
    this.bufferBytes.push(bytes.buffer.byteLength);
    const batch = kvCodec.decode(bytes.slice()) as ForwardBatch;
    this.batches.push(batch);
    const replies: Reply[] = batch.argvs.map((argv) => `${argv[0]}:${argv.length}`);
    const frame = encodeReplies(replies, batch.protocols, MAX_FRAME, () => {
      throw new Error('nothing to keep');
    });
    return Promise.resolve(kvCodec.decode(frame.bytes.slice()));
  }
  sendTo(): boolean {
    return true;
  }
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('MeshDispatcher', () => {
  it('a plain command alone larger than one message is answered an error at once: nothing is sent, the frame buffer never grows to it', async () => {
    const owner = new FakeOwner();
    const mesh = new MeshDispatcher(owner, 0, 1, 512 * 1024 * 1024, MAX_FRAME);
    const session = newSession('test', 'test', false, 0);
    const big = mesh.dispatch(['SET', 'k', 'v'.repeat(100_000)], session);
    expect(big.blocking).toBe(false);
    expect(big.reply).toBeInstanceOf(ErrorReply);
    expect((big.reply as ErrorReply).message).toMatch(
      /^ERR the command takes 100\d{3} bytes, more than the 4096 one message between cores may carry; nothing was changed$/,
    );
    const small = mesh.dispatch(['GET', 'k'], session);
    await nextTurn();
    expect(owner.batches.map((b) => b.argvs)).toEqual([[['GET', 'k']]]);
    // The buffer the frame is a view of (Buffer's pool slab, or its own once grown) is smaller
    // than the refused command: it was never grown to take it.
    expect(owner.bufferBytes[0]).toBeLessThan(100_000);
    const reply = (await small.reply) as RawReply;
    expect(reply.bytes.equals(encodeReply('GET:2'))).toBe(true);
  });
});
