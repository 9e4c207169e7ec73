// A run of sends publishes and checks the target's doorbell once per 1/8 of the ring's bytes
// (RING_FRACTION in mesh/outbound.ts), counted as the records take the ring: an 8-byte header
// and the payload rounded up to 8, so small frames ring as often as large ones per ring byte.
import { allocateByteRing, ByteRingProducer } from '@corelane/spsc';
import { describe, expect, it } from 'vitest';
import { frameLength, Kind } from '../src/codec/frame.js';
import { KeyTag } from '../src/codec/key.js';
import { Doorbell } from '../src/mesh/doorbell.js';
import { Outbound, Written } from '../src/mesh/outbound.js';

const CAPACITY = 4096;
/** The ring bytes a record of `length` payload bytes takes (spsc: header + payload, 8-aligned). */
const ringBytes = (length: number) => (8 + length + 7) & ~7;

describe('outbound doorbell', () => {
  for (const valueLength of [1, 4, 20, 100]) {
    it(`rings once the records written take 1/8 of the ring (values of ${valueLength} bytes)`, () => {
      const ring = allocateByteRing({ capacity: CAPACITY });
      const producer = new ByteRingProducer(ring, { autoFlush: false });
      const bell = new Doorbell(new Int32Array(new SharedArrayBuffer(64)));
      let rings = 0;
      const ringBell = bell.ring.bind(bell);
      bell.ring = () => {
        rings++;
        ringBell();
      };
      const out = new Outbound(producer, 0, bell);
      const key = 'k1';
      const value = new Uint8Array(valueLength).fill(7);
      const taken = ringBytes(frameLength(Kind.SEND, KeyTag.STRING, key.length, valueLength));
      let bytes = 0;
      for (let i = 0; i < 1000 && rings === 0; i++) {
        expect(out.write(Kind.SEND, 0, KeyTag.STRING, key, key.length, value)).toBe(Written.RING);
        bytes += taken;
      }
      // The write whose record reached CAPACITY / 8 rang, and no earlier one.
      expect(rings).toBe(1);
      expect(bytes).toBeGreaterThanOrEqual(CAPACITY / 8);
      expect(bytes - taken).toBeLessThan(CAPACITY / 8);
      producer.close();
    });
  }
});
