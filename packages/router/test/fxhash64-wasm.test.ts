// The WebAssembly path for long keys (src/fxhash64-wasm.ts) against the bigint reference and the
// Rust vectors, at its edges (the first length it takes, the last one its page holds, the first
// it leaves to JavaScript), for byte keys and for strings (encoded into its memory), and the
// JavaScript-only fallback in a process without WebAssembly (node --jitless).
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import type { ByteRingConsumer } from '@corelane/spsc';
import { describe, expect, it } from 'vitest';
import { FXHASH64_WASM, fxhash64Wasm, WASM_FROM, WASM_UP_TO } from '../src/fxhash64-wasm.js';
import { capabilities, decodeRoutedRecord, fxhash64, partition, Router } from '../src/index.js';
import { uint32Stream } from './helpers/keys.js';
import { localRings } from './helpers/local-rings.js';
import { referenceBytes64, referenceStr64 } from './helpers/reference.js';
import { byteVectors } from './helpers/vectors.js';

const next = uint32Stream(20261201);
const { rings, track } = localRings(1 << 16);

/** `WebAssembly.validate` (the package's TypeScript libs do not declare WebAssembly). */
const validate = (globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } }).WebAssembly
  .validate;

function randomBytes(length: number): Uint8Array {
  const key = new Uint8Array(length);
  for (let i = 0; i < length; i++) key[i] = next() & 0xff;
  return key;
}

describe('fxhash64 of long keys in WebAssembly', () => {
  it('the module is valid and instantiated here, and capabilities() says so', () => {
    expect(validate(FXHASH64_WASM)).toBe(true);
    expect(fxhash64Wasm).not.toBeNull();
    expect(capabilities().wasmLongKeys).toEqual({
      supported: true,
      reason: `keys of ${WASM_FROM} to ${WASM_UP_TO} bytes are hashed in WebAssembly`,
    });
  });

  it('the Rust vectors long enough for it hash the same', () => {
    const long = byteVectors.filter((v) => v.key.length >= WASM_FROM);
    expect(long.length).toBeGreaterThan(100);
    for (const v of long) expect(fxhash64(v.key)).toBe(v.hash64);
  });

  it('every length 0..600, at byte offsets 0..7 of a larger buffer, equals the reference', () => {
    const buffer = new Uint8Array(616);
    for (let length = 0; length <= 600; length++) {
      const offset = length % 8;
      for (let i = 0; i < buffer.length; i++) buffer[i] = next() & 0xff;
      const key = buffer.subarray(offset, offset + length);
      const expected = referenceBytes64(key);
      expect(fxhash64(key)).toBe(expected);
      expect(partition(key, 12)).toBe(Number(expected % 12n));
    }
  });

  it('at the edge of its page: WASM_UP_TO - 1, WASM_UP_TO, and the JS loop past it', () => {
    for (const length of [WASM_UP_TO - 1, WASM_UP_TO, WASM_UP_TO + 1, WASM_UP_TO + 8, 100_000]) {
      const key = randomBytes(length);
      expect(fxhash64(key)).toBe(referenceBytes64(key));
    }
  });

  it('a long key after a longer one: nothing of the earlier key is hashed', () => {
    const longer = randomBytes(1000);
    const key = longer.slice(0, 100);
    fxhash64(longer);
    expect(fxhash64(key)).toBe(referenceBytes64(key));
  });

  it('strings of every length 0..400 units (ASCII and not), encoded into its key area and hashed there, equal the reference', () => {
    const pool = ['a', 'Z', '0', '-', 'é', '€', '中', '😀'];
    for (let length = 0; length <= 400; length++) {
      const ascii = Array.from({ length }, () => String.fromCharCode(0x20 + (next() % 0x5f))).join('');
      const mixed = Array.from({ length }, () => pool[next() % pool.length]).join('');
      for (const s of [ascii, mixed]) {
        const expected = referenceStr64(s);
        expect(fxhash64(s)).toBe(expected);
        expect(partition(s, 12)).toBe(Number(expected % 12n));
      }
    }
  });

  it('strings at the edge of its key area (3 bytes per unit), and past it in the JS buffer', () => {
    const fits = Math.floor(WASM_UP_TO / 3);
    for (const units of [fits - 1, fits, fits + 1, 50_000]) {
      for (const s of ['x'.repeat(units), '中'.repeat(units), `${'é'.repeat(units - 1)}\ud800`]) {
        expect(fxhash64(s)).toBe(referenceStr64(s));
      }
    }
  });

  it('the Router writes a long string key right, also when a custom partitioner hashes a long byte key meanwhile', () => {
    const key = `ключ-${'é'.repeat(500)}`;
    const other = randomBytes(4000); // hashed in the same WebAssembly memory the key's UTF-8 sits in
    for (const partitioner of ['modulo', 'jump', () => (partition(other, 2) >= 0 ? 1 : 0)] as const) {
      const { buffers, consumers } = rings(2);
      const router = track(new Router(buffers, { partitioner }));
      const target = router.route(key, Uint8Array.of(7));
      router.flush();
      const got: unknown[] = [];
      (consumers[target] as ByteRingConsumer).read((bytes, type) => {
        const record = decodeRoutedRecord(bytes, type);
        got.push([record.key, record.payload[0]]);
      });
      expect(got).toEqual([[key, 7]]);
    }
  });

  it('without WebAssembly (node --jitless) the JS loop gives the same hashes, and capabilities() says why', () => {
    const entry = new URL('../dist/index.js', import.meta.url).href;
    const keys = [WASM_FROM - 1, WASM_FROM, 255, 256, 4096].map(randomBytes);
    const strings = ['s'.repeat(31), 's'.repeat(100), 'é'.repeat(300)];
    const script = `
      import { capabilities, fxhash64 } from ${JSON.stringify(entry)};
      const keys = ${JSON.stringify(keys.map((k) => [...k]))}.map((k) => Uint8Array.from(k));
      const strings = ${JSON.stringify(strings)};
      console.log(JSON.stringify({
        wasm: capabilities().wasmLongKeys,
        hashes: [...keys, ...strings].map((k) => String(fxhash64(k))),
      }));`;
    const child = spawnSync(process.execPath, ['--jitless', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      cwd: tmpdir(),
      timeout: 20_000,
    });
    expect(child.error).toBeUndefined();
    expect(child.stderr).toBe('');
    expect(JSON.parse(child.stdout)).toEqual({
      wasm: { supported: false, reason: 'WebAssembly is not available in this runtime (node --jitless?)' },
      hashes: [...keys.map(referenceBytes64), ...strings.map(referenceStr64)].map(String),
    });
  });
});
