import { describe, expect, it } from 'vitest';
import { capabilities, fxhash64, hashBatch, packKeys } from '../src/index.js';
import { mixedKeys } from './helpers/keys.js';
import { allVectors, byteVectors, strVectors, u64Vectors } from './helpers/vectors.js';

describe('hashBatch() (native)', () => {
  it('the addon loaded here', () => {
    expect(capabilities().hashBatch).toEqual({ supported: true, reason: 'native addon loaded' });
  });

  it("the old field 'available' still reads 'supported', with one DeprecationWarning CORELANE_DEP0006", async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const entry = capabilities().hashBatch;
      expect([entry.available, entry.available]).toEqual([entry.supported, entry.supported]);
      expect(Object.keys(entry)).toEqual(['supported', 'reason']);
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map((w) => [w.name, (w as Error & { code?: string }).code])).toEqual([
      ['DeprecationWarning', 'CORELANE_DEP0006'],
    ]);
  });

  it('hashes every vector, as one mixed array, like Rust', () => {
    const out = hashBatch(allVectors.map((v) => v.key));
    expect(out).toBeInstanceOf(BigUint64Array);
    expect([...out]).toEqual(allVectors.map((v) => v.hash64));
  });

  it('hashes every &[u8] vector packed', () => {
    const out = hashBatch(packKeys(byteVectors.map((v) => v.key)));
    expect([...out]).toEqual(byteVectors.map((v) => v.hash64));
  });

  it('hashes every &str vector packed', () => {
    const packed = packKeys(strVectors.map((v) => v.key));
    expect(packed.encoding).toBe('utf8');
    expect([...hashBatch(packed)]).toEqual(strVectors.map((v) => v.hash64));
  });

  it("hashes every u64 vector from a BigUint64Array, and from a BigInt64Array as two's complement", () => {
    const words = BigUint64Array.from(u64Vectors.map((v) => v.key));
    expect([...hashBatch(words)]).toEqual(u64Vectors.map((v) => v.hash64));
    const signed = new BigInt64Array(words.buffer);
    expect([...hashBatch(signed)]).toEqual(u64Vectors.map((v) => v.hash64));
    expect([...hashBatch(u64Vectors.map((v) => BigInt.asIntN(64, v.key)))]).toEqual(u64Vectors.map((v) => v.hash64));
  });

  it('equals fxhash64 on 30,000 mixed keys, negative numbers and lone surrogates included', () => {
    const keys = [...mixedKeys(30_000, 3), -1, -(2 ** 53) + 1, 'a\ud800b', '\udfff', 'x'.repeat(70)];
    const out = hashBatch(keys);
    keys.forEach((key, i) => {
      expect(out[i]).toBe(fxhash64(key));
    });
  });

  it('packs strings that each need a larger UTF-8 scratch buffer than the one before, byte for byte', () => {
    // Each key is longer than any before it: the encoder's scratch buffer is replaced for each.
    const keys = ['a', 'é'.repeat(200), 'x'.repeat(5000), '中'.repeat(30_000), 'b'];
    const packed = packKeys(keys);
    keys.forEach((key, i) => {
      const at = packed.offsets[i] as number;
      expect(packed.data.subarray(at, packed.offsets[i + 1])).toEqual(new TextEncoder().encode(key));
    });
    expect([...hashBatch(packed)]).toEqual(keys.map((key) => fxhash64(key)));
  });

  it('writes into out, and returns a view of the batch length when out is longer', () => {
    const out = new BigUint64Array(10).fill(7n);
    const result = hashBatch(['a', 'b', 'c'], out);
    expect(result.length).toBe(3);
    expect(result.buffer).toBe(out.buffer);
    expect([...out.subarray(0, 3)]).toEqual([fxhash64('a'), fxhash64('b'), fxhash64('c')]);
    expect([...out.subarray(3)]).toEqual(Array(7).fill(7n));
    const exact = new BigUint64Array(3);
    expect(hashBatch(['a', 'b', 'c'], exact)).toBe(exact);
  });

  it('handles empty batches and empty keys', () => {
    expect(hashBatch([]).length).toBe(0);
    expect(hashBatch(packKeys([])).length).toBe(0);
    expect([...hashBatch(packKeys(['', '']))]).toEqual([fxhash64(''), fxhash64('')]);
    expect([...hashBatch([new Uint8Array(0)])]).toEqual([0n]);
  });

  it('reads packed keys from a data buffer the user built, at any offsets', () => {
    const data = new TextEncoder().encode('alphabetagamma');
    const offsets = Uint32Array.from([0, 5, 9, 14]);
    expect([...hashBatch({ data, offsets, encoding: 'utf8' })]).toEqual(['alpha', 'beta', 'gamma'].map(fxhash64));
    expect([...hashBatch({ data, offsets, encoding: 'bytes' })]).toEqual(
      [data.subarray(0, 5), data.subarray(5, 9), data.subarray(9)].map((k) => fxhash64(k)),
    );
  });
});
