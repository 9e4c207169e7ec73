// route() writes the key length word and an ASCII key in whole 32-bit words (little-endian
// platforms): the last, partial word of the key writes zeros past it, which the payload then
// overwrites or which stay inside the record's own 8-byte padding. Checked exhaustively for
// short keys and payloads, at every 8-byte position of a small ring (so records wrap too): each
// record decodes to what was routed, and no byte past the record's room in the ring changes.
// Every record is routed twice: first by the general path (the key is new: hashed, its units
// packed), then by the remembered-key path (its packed words copied). Payloads of every length
// 0..72, each at a source offset of 0 to 3 bytes in its own buffer: a byte loop below 16 bytes,
// the word blocks of copyBytesAt() (@corelane/shared) from 16 to 64 (every branch and tail), set() past it.
import { LITTLE_ENDIAN, littleEndianWordsOf } from '@corelane/shared';
import { allocateByteRing, ByteRingConsumer } from '@corelane/spsc';
import { describe, expect, it } from 'vitest';
import { decodeRoutedRecord, Router } from '../src/index.js';

/** Bytes a record of `length` payload bytes takes in the ring: spsc's 8-byte header + payload, to 8. */
const roomOf = (length: number): number => (8 + length + 7) & ~7;

describe('route() word writes', () => {
  it('ASCII keys of 0..13 units with payloads of 0..72 bytes at any source offset, new and remembered: records intact, nothing written past their room', () => {
    const ring = allocateByteRing({ capacity: 256 });
    const data = new Uint8Array(ring, 512, 256);
    const router = new Router([ring], { policy: 'error', ring: { publishEvery: 1 } });
    const payloadLengths = Array.from({ length: 73 }, (_, i) => i);
    const consumer = new ByteRingConsumer(ring);
    // The ring's data region takes whole-word stores here (else route() writes bytes, and this
    // test would check the byte path only): little-endian hosts, which CI runs on.
    expect(littleEndianWordsOf(data) !== null).toBe(LITTLE_ENDIAN);
    let position = 0; // the producer's byte position in the ring (free-running)
    for (let keyLength = 0; keyLength <= 13; keyLength++) {
      for (const payloadLength of payloadLengths)
        for (let pass = 0; pass < 2; pass++) {
          // A key's first record takes the general path (hashed, its units packed); every later
          // one the remembered path.
          const key = 'kABCDEFGHIJKLMN'.slice(0, keyLength);
          // In a buffer of its own, at an offset of 0-3 bytes: the copy reads bytes, never words.
          const offset = (keyLength + payloadLength + pass) & 3;
          const source = Uint8Array.from({ length: offset + payloadLength }, (_, i) => (0x35 + 7 * i) & 0xff);
          const payload = source.subarray(offset);
          const length = 4 + keyLength + payloadLength;
          // Where this record lands: padding first when it does not fit before the end.
          let at = position & 255;
          if (roomOf(length) > 256 - at) {
            position += 256 - at;
            at = 0;
          }
          // Mark the free bytes after the record's room: route() must leave them alone.
          const after = [];
          for (let i = at + roomOf(length); i < Math.min(256, at + roomOf(length) + 16); i++) {
            data[i] = 0xaa;
            after.push(i);
          }
          expect(router.route(key, payload)).toBe(0);
          for (const i of after) expect(data[i], `byte ${i} after a ${keyLength}-unit key`).toBe(0xaa);
          const seen: { key: unknown; payload: number[] }[] = [];
          consumer.read((bytes, type) => {
            const record = decodeRoutedRecord(bytes, type);
            seen.push({ key: record.key, payload: [...record.payload] });
          });
          expect(seen).toEqual([{ key, payload: [...payload] }]);
          position += roomOf(length);
        }
    }
    router.close();
    consumer.close();
  });
});
