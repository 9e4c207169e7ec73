// The overflow queue against a model (an array of frames): entries come out in order, byte for
// byte, across growth, compaction to the front and emptying; and a full ring's frames reach the
// ring through Outbound in order once room appears.
import { allocateByteRing, ByteRingConsumer, ByteRingProducer } from '@corelane/spsc';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameView, Kind } from '../src/codec/frame.js';
import { Doorbell } from '../src/mesh/doorbell.js';
import { Outbound, Written } from '../src/mesh/outbound.js';
import { OverflowQueue } from '../src/mesh/overflow-queue.js';

describe('overflow queue', () => {
  it('matches a model under any sequence of pushes and shifts', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.uint8Array({ maxLength: 3000 }), fc.constant(null)), { minLength: 1, maxLength: 200 }),
        (ops) => {
          const queue = new OverflowQueue();
          const model: { type: number; bytes: Uint8Array }[] = [];
          let type = 0;
          for (const op of ops) {
            if (op === null) {
              if (model.length === 0) continue;
              const expected = model.shift() as { type: number; bytes: Uint8Array };
              expect(queue.type).toBe(expected.type);
              expect(queue.length).toBe(expected.bytes.length);
              expect(queue.bytes.slice(queue.payload, queue.payload + queue.length)).toEqual(expected.bytes);
              queue.shift();
            } else {
              const at = queue.reserve(op.length);
              queue.bytes.set(op, at);
              queue.push(++type, op.length);
              model.push({ type, bytes: op });
            }
            expect(queue.count).toBe(model.length);
          }
          while (model.length > 0) {
            const expected = model.shift() as { type: number; bytes: Uint8Array };
            expect(queue.bytes.slice(queue.payload, queue.payload + queue.length)).toEqual(expected.bytes);
            queue.shift();
          }
          expect(queue.count).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('frames that found the ring full reach it in order, with their sequence numbers', () => {
    const ring = allocateByteRing({ capacity: 4096 });
    const producer = new ByteRingProducer(ring, { autoFlush: false });
    const consumer = new ByteRingConsumer(ring, { autoFlush: false });
    const out = new Outbound(producer, 0, new Doorbell(new Int32Array(new SharedArrayBuffer(64))));
    const frame = new FrameView();
    try {
      let sent = 0;
      let queued = 0;
      let next = 0;
      let checksum = 0;
      const value = (seq: number) => Uint8Array.from({ length: 1 + (seq % 90) }, (_, i) => (seq + i) & 0xff);
      for (let round = 0; round < 50; round++) {
        // More than the ring holds each round, then read part of it: the queue fills and drains.
        for (let i = 0; i < 120; i++, sent++) {
          if (
            out.write(Kind.REQUEST, sent + 1, 1, `k${sent % 7}`, `k${sent % 7}`.length, value(sent)) === Written.QUEUED
          )
            queued++;
        }
        out.flush();
        consumer.readOffsets((offset, length, type) => {
          const f = frame.parse(consumer.data, offset, length, type);
          expect(f.id).toBe(next + 1);
          expect(consumer.data.slice(f.valueStart, f.valueEnd)).toEqual(value(next));
          checksum = (checksum * 31 + f.id) | 0;
          next++;
        }, 100);
      }
      while (next < sent) {
        out.flush();
        consumer.readOffsets((offset, length, type) => {
          const f = frame.parse(consumer.data, offset, length, type);
          expect(f.id).toBe(next + 1);
          checksum = (checksum * 31 + f.id) | 0;
          next++;
        });
      }
      let expected = 0;
      for (let id = 1; id <= sent; id++) expected = (expected * 31 + id) | 0;
      expect(checksum).toBe(expected);
      expect(queued).toBeGreaterThan(0);
      expect(out.overflowDepth).toBe(0);
    } finally {
      producer.close();
      consumer.close();
    }
  });
});
