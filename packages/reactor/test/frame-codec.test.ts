// Frames through a real byte ring: keys of every kind and length (ASCII keys that collide in the
// decoder's intern table, non-ASCII, long ones), values of every size, written by the same
// Sender/Outbound path the runtime uses (ASCII string keys written in place, every other key
// encoded first) and read back exactly, record by record.
import { allocateByteRing, ByteRingConsumer, ByteRingProducer } from '@corelane/spsc';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveCodec } from '../src/codec/codec.js';
import { FrameView, Kind } from '../src/codec/frame.js';
import { decodeKey, KeyEncoder } from '../src/codec/key.js';
import { Doorbell } from '../src/mesh/doorbell.js';
import { Outbound, Written } from '../src/mesh/outbound.js';
import { Sender } from '../src/mesh/sender.js';

type Key = string | number | bigint | Uint8Array;

const key: fc.Arbitrary<Key> = fc.oneof(
  // Short ASCII over a tiny alphabet: many keys of one length that differ in one byte.
  fc.string({ unit: fc.constantFrom('a', 'b', 'c'), minLength: 0, maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ minLength: 60, maxLength: 300 }),
  fc.maxSafeInteger(),
  fc.bigInt({ min: -(1n << 63n), max: (1n << 64n) - 1n }),
  fc.uint8Array({ maxLength: 300 }),
);

describe('frames', () => {
  it('every key and value written by Outbound is read back exactly, in order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ key, value: fc.option(fc.uint8Array({ maxLength: 400 }), { nil: undefined }) }), {
          minLength: 1,
          maxLength: 60,
        }),
        (messages) => {
          const ring = allocateByteRing({ capacity: 1 << 16 });
          const producer = new ByteRingProducer(ring, { autoFlush: false });
          const consumer = new ByteRingConsumer(ring, { autoFlush: false });
          const out = new Outbound(producer, 0, new Doorbell(new Int32Array(new SharedArrayBuffer(64))));
          // The runtime's own path: string keys tried as ASCII in place, the rest encoded.
          const sender = new Sender(
            [out],
            resolveCodec('raw'),
            'error',
            0,
            () => {},
            () => {},
            1,
          );
          try {
            messages.forEach((m, seq) => {
              expect(sender.message(0, Kind.REQUEST, seq + 1, m.key, m.value)).toBe(true);
            });
            expect(out.overflowDepth).toBe(0);
            out.flush();
            const frame = new FrameView();
            let seq = 0;
            consumer.readOffsets((offset, length, type) => {
              const data = consumer.data;
              const f = frame.parse(data, offset, length, type);
              const m = messages[seq] as { key: Key; value?: Uint8Array };
              expect(f.kind).toBe(Kind.REQUEST);
              expect(f.id).toBe(seq + 1);
              expect(f.valueEnd).toBe(offset + length);
              expect(decodeKey(f.keyTag, data, f.keyStart, f.keyEnd)).toEqual(m.key);
              if (m.value === undefined) expect(f.noValue).toBe(true);
              else expect(data.slice(f.valueStart, f.valueEnd)).toEqual(m.value);
              seq++;
            });
            expect(seq).toBe(messages.length);
          } finally {
            producer.close();
            consumer.close();
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a string key that is not ASCII is refused in place with nothing written, in the ring and in the overflow queue', () => {
    const ring = allocateByteRing({ capacity: 4096 });
    const producer = new ByteRingProducer(ring, { autoFlush: false });
    const consumer = new ByteRingConsumer(ring, { autoFlush: false });
    const out = new Outbound(producer, 0, new Doorbell(new Int32Array(new SharedArrayBuffer(64))));
    try {
      const value = new Uint8Array([1, 2, 3]);
      expect(out.write(Kind.SEND, 0, 1, 'caf\u00e9', 4, value)).toBe(Written.NOT_ASCII);
      // Fill the ring: the next frames go to the overflow queue, where the same holds.
      let queued = 0;
      while (out.write(Kind.SEND, 0, 1, 'abcd', 4, value) === Written.RING) queued++;
      expect(out.overflowDepth).toBe(1);
      expect(out.write(Kind.SEND, 0, 1, '\u{1f600}x', 3, value)).toBe(Written.NOT_ASCII);
      expect(out.overflowDepth).toBe(1);
      out.flush();
      const frame = new FrameView();
      let seen = 0;
      consumer.readOffsets((offset, length, type) => {
        const f = frame.parse(consumer.data, offset, length, type);
        expect(decodeKey(f.keyTag, consumer.data, f.keyStart, f.keyEnd)).toBe('abcd');
        expect(consumer.data.slice(f.valueStart, f.valueEnd)).toEqual(value);
        seen++;
      });
      expect(seen).toBe(queued);
    } finally {
      producer.close();
      consumer.close();
    }
  });

  it('a decoded string key that collides with a remembered one is still the right key', () => {
    // 20,000 distinct ASCII keys of one length overflow the 4096-slot intern table many times over.
    const keys = new KeyEncoder();
    const buffer = new Uint8Array(64);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 20_000; i++) {
        const k = `k${String(i).padStart(7, '0')}`;
        const n = keys.encode(k);
        buffer.set(keys.bytes.subarray(0, n), 3);
        expect(decodeKey(keys.tag, buffer, 3, 3 + n)).toBe(k);
      }
    }
  });
});
