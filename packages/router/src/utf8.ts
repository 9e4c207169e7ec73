// Strings are hashed as their UTF-8 bytes (what Rust's `&str` holds). Encoding into a scratch
// buffer that is reused keeps the per-key hot path free of allocation. Strings that fit go into
// the WebAssembly hasher's key area, so that it hashes them where they are (no copy); longer
// ones, or all of them without WebAssembly, into a JS buffer that grows.
import { wasmKeyBytes } from './fxhash64-wasm.js';

const encoder = new TextEncoder();

/** Above this many UTF-16 units TextEncoder.encodeInto (native) beats the JS loop. */
const NATIVE_ENCODE_FROM = 48;

/** The growable JS buffer, for strings the WebAssembly key area cannot hold. */
let scratch = new Uint8Array(256);

/** The buffer the last encodeUtf8() wrote into: `wasmKeyBytes` or `scratch`. */
let current = wasmKeyBytes ?? scratch;

/** How many bytes the last `encodeUtf8()` wrote. */
let encoded = 0;

/**
 * Encodes `s` as UTF-8 into the scratch buffer and returns the number of bytes; read them with
 * `utf8Bytes()` before the next call, and before a byte key of 32 bytes or more is hashed (it is
 * copied into the same WebAssembly memory). Lone surrogates become U+FFFD (EF BF BD), exactly as
 * `TextEncoder` and `Buffer.from(s)` encode them (a Rust `&str` cannot hold one).
 */
export function encodeUtf8(s: string): number {
  const length = s.length;
  // Three bytes per UTF-16 unit is the most UTF-8 needs (a surrogate pair: 4 bytes for 2 units).
  let out: Uint8Array;
  if (wasmKeyBytes !== null && length * 3 <= wasmKeyBytes.length) {
    out = wasmKeyBytes;
  } else {
    if (length * 3 > scratch.length) scratch = new Uint8Array(Math.max(length * 3, scratch.length * 2));
    out = scratch;
  }
  current = out;
  if (length > NATIVE_ENCODE_FROM) {
    encoded = encoder.encodeInto(s, out).written;
    return encoded;
  }
  let n = 0;
  for (let i = 0; i < length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out[n++] = c;
      continue;
    }
    if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6);
      out[n++] = 0x80 | (c & 0x3f);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < length ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        out[n++] = 0xf0 | (cp >> 18);
        out[n++] = 0x80 | ((cp >> 12) & 0x3f);
        out[n++] = 0x80 | ((cp >> 6) & 0x3f);
        out[n++] = 0x80 | (cp & 0x3f);
        i++;
        continue;
      }
      c = 0xfffd; // a lone surrogate
    }
    out[n++] = 0xe0 | (c >> 12);
    out[n++] = 0x80 | ((c >> 6) & 0x3f);
    out[n++] = 0x80 | (c & 0x3f);
  }
  encoded = n;
  return n;
}

/**
 * The buffer the last `encodeUtf8()` wrote into (the WebAssembly key area, or a JS buffer that
 * may have been replaced by a larger one): read it after encoding, before anything else hashes.
 */
export function utf8Bytes(): Uint8Array {
  return current;
}

/** How many bytes the last `encodeUtf8()` wrote into `utf8Bytes()`. */
export function utf8Length(): number {
  return encoded;
}
