// The WebAssembly path for long byte keys (src/slice64-wasm.ts) against the bigint reference and
// the Rust vectors, at its edges (the first length it takes, the last one its page holds, the
// first it leaves to JavaScript), and the JavaScript-only fallback in a process without
// WebAssembly (node --jitless).
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { capabilities, fxhash64, partition } from '../src/index.js';
import { SLICE64_WASM, slice64, WASM_FROM, WASM_UP_TO } from '../src/slice64-wasm.js';
import { uint32Stream } from './helpers/keys.js';
import { referenceBytes64 } from './helpers/reference.js';
import { byteVectors } from './helpers/vectors.js';

const next = uint32Stream(20261201);

/** `WebAssembly.validate` (the package's TypeScript libs do not declare WebAssembly). */
const validate = (globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } }).WebAssembly
  .validate;

function randomBytes(length: number): Uint8Array {
  const key = new Uint8Array(length);
  for (let i = 0; i < length; i++) key[i] = next() & 0xff;
  return key;
}

describe('fxhash64 of long byte keys in WebAssembly', () => {
  it('the module is valid and instantiated here, and capabilities() says so', () => {
    expect(validate(SLICE64_WASM)).toBe(true);
    expect(slice64).not.toBeNull();
    expect(capabilities().wasmLongKeys).toEqual({
      supported: true,
      reason: `byte keys of ${WASM_FROM} to ${WASM_UP_TO} bytes are hashed in WebAssembly`,
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

  it('without WebAssembly (node --jitless) the JS loop gives the same hashes, and capabilities() says why', () => {
    const entry = new URL('../dist/index.js', import.meta.url).href;
    const keys = [WASM_FROM - 1, WASM_FROM, 255, 256, 4096].map(randomBytes);
    const script = `
      import { capabilities, fxhash64 } from ${JSON.stringify(entry)};
      const keys = ${JSON.stringify(keys.map((k) => [...k]))}.map((k) => Uint8Array.from(k));
      console.log(JSON.stringify({ wasm: capabilities().wasmLongKeys, hashes: keys.map((k) => String(fxhash64(k))) }));`;
    const child = spawnSync(process.execPath, ['--jitless', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      cwd: tmpdir(),
      timeout: 20_000,
    });
    expect(child.error).toBeUndefined();
    expect(child.stderr).toBe('');
    expect(JSON.parse(child.stdout)).toEqual({
      wasm: { supported: false, reason: 'WebAssembly is not available in this runtime (node --jitless?)' },
      hashes: keys.map((k) => String(referenceBytes64(k))),
    });
  });
});
