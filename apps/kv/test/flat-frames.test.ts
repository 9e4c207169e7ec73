// The flat frames between cores (src/runtime/forward-frame.ts, reply-frame.ts) through the kv
// codec, as the mesh carries them: a FORWARD frame is decoded from a view into a larger buffer
// that is overwritten afterwards (the ring), a REPLIES frame from a copy. Every byte value of
// every argument survives, replies come back in order and byte for byte, and what does not fit
// one message becomes an error.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeReply } from '../src/resp/encoder.js';
import { ErrorReply, type Reply, SimpleString } from '../src/resp/reply.js';
import { FLAT_TAG } from '../src/runtime/flat.js';
import { ForwardBatch, ForwardWriter, runBytes } from '../src/runtime/forward-frame.js';
import { kvCodec } from '../src/runtime/kv-codec.js';
import { encodeReplies, ReplyBatch } from '../src/runtime/reply-frame.js';

/** For frames that always fit: nothing may be kept. */
const keepNone = (): number => {
  throw new Error('nothing should be kept');
};

const binary = (maxLength: number) => fc.uint8Array({ maxLength }).map((b) => Buffer.from(b).toString('latin1'));

const run = fc.record({
  sid: fc.oneof(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })),
  protocol: fc.constantFrom(2 as const, 3 as const),
  auth: fc.boolean(),
  // Short arguments (written char by char) and long ones (written by Buffer.write).
  argv: fc.array(fc.oneof(binary(40), binary(300)), { minLength: 1, maxLength: 6 }),
});

/** What the ring does with a request: a copy into a larger region, decoded through a view, then overwritten. */
function throughRing(bytes: Uint8Array): unknown {
  const ring = new Uint8Array(new SharedArrayBuffer(bytes.length + 64));
  ring.set(bytes, 16);
  const decoded = kvCodec.decode(ring.subarray(16, 16 + bytes.length));
  ring.fill(0xee);
  return decoded;
}

describe('flat frames between cores', () => {
  it('a FORWARD frame carries every run, in order, byte for byte, and its buffer is reused after', () => {
    const writer = new ForwardWriter(3, 64); // small: the buffer grows while appending
    fc.assert(
      fc.property(fc.array(run, { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 1000 }), (runs, from) => {
        const w = from % 2 === 0 ? writer : new ForwardWriter(from);
        for (const r of runs) w.append(r.sid, r.protocol, r.auth, r.argv, runBytes(r.argv));
        expect(w.count).toBe(runs.length);
        const encoded = kvCodec.encode(w.take());
        expect(encoded[0]).toBe(FLAT_TAG);
        expect(encoded.length).toBe(8 + runs.reduce((n, r) => n + runBytes(r.argv), 0));
        const batch = throughRing(encoded) as ForwardBatch;
        expect(batch).toBeInstanceOf(ForwardBatch);
        expect(batch.from).toBe(w.from);
        expect(batch.sids).toEqual(runs.map((r) => r.sid));
        expect(batch.protocols).toEqual(runs.map((r) => r.protocol));
        expect(batch.authenticated).toEqual(runs.map((r) => r.auth));
        expect(batch.argvs).toEqual(runs.map((r) => r.argv));
        expect(w.count).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('a session id past 2^32 survives the frame (ids step by the core count for as long as the server runs)', () => {
    const w = new ForwardWriter(1);
    const sids = [2 ** 32, 2 ** 32 + 7, 2 ** 53 - 1, 3];
    for (const sid of sids) w.append(sid, 2, true, ['GET', 'k'], runBytes(['GET', 'k']));
    const batch = throughRing(kvCodec.encode(w.take())) as ForwardBatch;
    expect(batch.sids).toEqual(sids);
    expect(batch.argvs).toEqual(sids.map(() => ['GET', 'k']));
  });

  it('a REPLIES frame hands each reply back in order, encoded for its own protocol', () => {
    const reply = fc.oneof(
      binary(50),
      binary(5000),
      fc.integer(),
      fc.constant(null),
      fc.array(binary(10), { maxLength: 4 }),
      binary(20).map((s) => new SimpleString(s.replace(/[\r\n]/g, ''))),
    ) as fc.Arbitrary<Reply>;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(reply, fc.constantFrom(2 as const, 3 as const)), { minLength: 1, maxLength: 20 }),
        (pairs) => {
          const frame = encodeReplies(
            pairs.map((p) => p[0]),
            pairs.map((p) => p[1]),
            1024 * 1024,
            keepNone,
          );
          // decodeKept: the reactor hands the decoder its own copy of a reply.
          const batch = kvCodec.decode(Uint8Array.prototype.slice.call(kvCodec.encode(frame))) as ReplyBatch;
          expect(batch).toBeInstanceOf(ReplyBatch);
          expect(batch.count).toBe(pairs.length);
          for (let i = 0; i < pairs.length; i++) {
            const [r, protocol] = pairs[i] as [Reply, 2 | 3];
            expect(batch.at(i).equals(encodeReply(r, protocol))).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('replies past one message become errors, largest first; the others arrive whole', () => {
    const small = 'x'.repeat(100);
    const large = 'y'.repeat(6000);
    const frame = encodeReplies([small, large, small], [2, 2, 2], 4096, keepNone);
    const batch = kvCodec.decode(Uint8Array.prototype.slice.call(frame.bytes)) as ReplyBatch;
    expect(batch.at(0).equals(encodeReply(small))).toBe(true);
    expect(batch.at(1).toString('latin1')).toMatch(
      /^-ERR the reply takes 6\d{3} bytes, more than the 4096 one message between cores may carry\r\n$/,
    );
    expect(batch.at(2).equals(encodeReply(small))).toBe(true);
  });

  it('replies that each fit a message but not together: the largest are kept on the owner by token, the rest arrive whole', () => {
    const kept = new Map<number, Buffer>();
    const keep = (bytes: Buffer) => {
      const token = 0xfffffff0 + kept.size; // high tokens: none may read as an end or a length
      kept.set(token, bytes);
      return token;
    };
    const [a, b, c] = ['a'.repeat(1500), 'b'.repeat(3000), 'c'.repeat(2700)];
    const frame = encodeReplies([a, b, c, 'd'], [2, 3, 2, 2], 4096, keep);
    // The frame's buffer is overwritten after (as the writer's is): what was kept is a copy.
    const bytes = Uint8Array.prototype.slice.call(frame.bytes);
    frame.bytes.fill(0);
    const batch = kvCodec.decode(bytes) as ReplyBatch;
    expect(batch.count).toBe(4);
    expect([0, 1, 2, 3].map((i) => batch.kept(i))).toEqual([-1, 0xfffffff0, 0xfffffff1, -1]);
    expect(batch.at(0).equals(encodeReply(a))).toBe(true);
    expect(batch.at(3).equals(encodeReply('d'))).toBe(true);
    expect(kept.get(0xfffffff0)?.equals(encodeReply(b, 3))).toBe(true);
    expect(kept.get(0xfffffff1)?.equals(encodeReply(c))).toBe(true);
  });

  it('every other value still travels as msgpack', () => {
    const values: unknown[] = [
      { t: 'lock', from: 1, tx: '1:0:7', keys: ['a', 'b'], sid: 9, watch: true },
      { t: 'write', tx: '1:0:7', records: [[123, 'SET', 'a', '\u00ff\u0000']] },
      Buffer.from([FLAT_TAG, 1, 2, 3]),
      new Map([['k', 1]]),
      'plain',
      7,
    ];
    for (const v of values) {
      const bytes = kvCodec.encode(v);
      expect(bytes[0]).not.toBe(FLAT_TAG);
      expect(kvCodec.decode(bytes)).toEqual(v);
    }
    expect(() => kvCodec.decode(new Uint8Array([FLAT_TAG, 9, 0, 0, 0, 0, 0, 0]))).toThrow(/unknown kind 9/);
  });

  it('an ErrorReply in a frame reads as Redis writes it', () => {
    const frame = encodeReplies([new ErrorReply('WRONGTYPE x')], [3], 1024, keepNone);
    const batch = kvCodec.decode(Uint8Array.prototype.slice.call(frame.bytes)) as ReplyBatch;
    expect(batch.at(0).toString()).toBe('-WRONGTYPE x\r\n');
  });
});
