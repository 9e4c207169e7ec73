// fxhash64 of long keys in WebAssembly, where a u64 is one register: JavaScript has to build
// every 64-bit multiply from four 32-bit ones (absorb64.ts), WebAssembly has `i64.mul`. Past a
// few dozen bytes the saving per word outweighs copying a byte key into the module's memory
// (one memcpy) and the call; below it, the JS loops stay faster. Strings need no copy: the UTF-8
// encoder writes them straight into the module's memory (utf8.ts).
//
// The module, as text (it is assembled below from named opcodes, so no toolchain is needed):
//
//   (module
//     (memory (export "memory") 1)                      ;; one 64 KiB page, never grown
//     (func (export "slice") (param $len i32)           ;; a &[u8]: key bytes at [16, 16 + len)
//       (local $h i64) (local $p i32) (local $end i32)
//       (local.set $h (i64.mul (i64.extend_i32_u (local.get $len)) (i64.const K)))  ;; write_usize(len)
//       (local.set $p (i32.const 16))
//       (local.set $end (i32.add (local.get $len) (i32.const 16)))
//       (block $done (loop $words                        ;; every whole 8-byte word
//         (br_if $done (i32.lt_u (i32.sub (local.get $end) (local.get $p)) (i32.const 8)))
//         MIX(i64.load (local.get $p))
//         (local.set $p (i32.add (local.get $p) (i32.const 8)))
//         (br $words)))
//       (if (i32.ge_u (i32.sub (local.get $end) (local.get $p)) (i32.const 4))
//         (then MIX(i64.load32_u (local.get $p))        ;; one 4-byte word
//               (local.set $p (i32.add (local.get $p) (i32.const 4)))))
//       (block $done (loop $bytes                        ;; then one word per byte
//         (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
//         MIX(i64.load8_u (local.get $p))
//         (local.set $p (i32.add (local.get $p) (i32.const 1)))
//         (br $bytes)))
//       (i64.store (i32.const 0) (local.get $h)))       ;; the hash at [0, 8)
//     (func (export "str") (param $len i32)             ;; a &str: UTF-8 bytes at [16, 16 + len)
//       ... the same, except: $h starts at 0 (no length prefix), and after the bytes
//       MIX(i64.const 0xff)                              ;; write_u8(0xff), the str suffix
//       (i64.store (i32.const 0) (local.get $h))))
//
//   MIX(w) = (local.set $h (i64.mul (i64.xor (i64.rotl (local.get $h) (i64.const 5)) w) (i64.const K)))
//
// with K = 0x517cc1b727220a95: fxhash 0.2.1's `write(&[u8])`, word for word as absorbSlice64()
// and absorbUtf8Str64() do it (test/fxhash64-wasm.test.ts holds them to each other and to the
// Rust vectors).

import { absorbSlice64 } from './absorb64.js';
import { HALVES, HI, LO } from './halves.js';

/** Where the key is copied (the hash is stored at 0..8). */
const KEY_AT = 16;

/**
 * Byte keys from this length take the WebAssembly path. Measured (Node 24, x64): 0.86x the JS
 * loop's time at 32 B, 0.61x at 64 B, 0.36x at 256 B; 1.01x at 24 B, so shorter keys stay in JS.
 */
export const WASM_FROM = 32;

/** The longest key the module's one page holds; longer keys take the JS loop. */
export const WASM_UP_TO = 65536 - KEY_AT;

// Opcodes (WebAssembly core spec, section 5.4) and the locals of `slice`.
const BLOCK = 0x02;
const LOOP = 0x03;
const IF = 0x04;
const VOID = 0x40;
const END = 0x0b;
const BR = 0x0c;
const BR_IF = 0x0d;
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const I32_CONST = 0x41;
const I64_CONST = 0x42;
const I32_LT_U = 0x49;
const I32_GE_U = 0x4f;
const I32_ADD = 0x6a;
const I32_SUB = 0x6b;
const I64_MUL = 0x7e;
const I64_XOR = 0x85;
const I64_ROTL = 0x89;
const I64_EXTEND_I32_U = 0xad;
const I64_LOAD = [0x29, 3, 0]; // align 2^3, offset 0
const I64_LOAD32_U = [0x35, 2, 0];
const I64_LOAD8_U = [0x31, 0, 0];
const I64_STORE = [0x37, 3, 0];
const LEN = 0;
const H = 1;
const P = 2;
const END_AT = 3;

/** Signed LEB128, the encoding of an `i64.const` immediate. */
function sleb128(value: bigint): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = Number(value & 0x7fn);
    value >>= 7n;
    const done = (value === 0n && (byte & 0x40) === 0) || (value === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** Unsigned LEB128 of a small count (section and body sizes). */
function uleb128(value: number): number[] {
  const out: number[] = [];
  do {
    const byte = value & 0x7f;
    value >>>= 7;
    out.push(value === 0 ? byte : byte | 0x80);
  } while (value !== 0);
  return out;
}

const K = [I64_CONST, ...sleb128(0x517cc1b727220a95n)];

/** `h = (rotl(h, 5) ^ w) * K`, with `w` pushed by `word`. */
function mixWord(word: number[]): number[] {
  return [LOCAL_GET, H, I64_CONST, 5, I64_ROTL, ...word, I64_XOR, ...K, I64_MUL, LOCAL_SET, H];
}

/** `mixWord()` of the word `load` reads at `p`. */
function mix(load: number[]): number[] {
  return mixWord([LOCAL_GET, P, ...load]);
}

/** `p += step`. */
function advance(step: number): number[] {
  return [LOCAL_GET, P, I32_CONST, step, I32_ADD, LOCAL_SET, P];
}

/** A function's body: `write(&[u8])` of the bytes at KEY_AT, with the slice prefix or the str suffix. */
function hashBody(kind: 'slice' | 'str'): number[] {
  return [
    ...[2, 1, 0x7e, 2, 0x7f], // locals: one i64 ($h, zero), two i32 ($p, $end)
    ...(kind === 'slice' ? [LOCAL_GET, LEN, I64_EXTEND_I32_U, ...K, I64_MUL, LOCAL_SET, H] : []),
    ...[I32_CONST, KEY_AT, LOCAL_SET, P],
    ...[LOCAL_GET, LEN, I32_CONST, KEY_AT, I32_ADD, LOCAL_SET, END_AT],
    ...[BLOCK, VOID, LOOP, VOID],
    ...[LOCAL_GET, END_AT, LOCAL_GET, P, I32_SUB, I32_CONST, 8, I32_LT_U, BR_IF, 1],
    ...mix(I64_LOAD),
    ...advance(8),
    ...[BR, 0, END, END],
    ...[LOCAL_GET, END_AT, LOCAL_GET, P, I32_SUB, I32_CONST, 4, I32_GE_U, IF, VOID],
    ...mix(I64_LOAD32_U),
    ...advance(4),
    END,
    ...[BLOCK, VOID, LOOP, VOID],
    ...[LOCAL_GET, P, LOCAL_GET, END_AT, I32_GE_U, BR_IF, 1],
    ...mix(I64_LOAD8_U),
    ...advance(1),
    ...[BR, 0, END, END],
    ...(kind === 'str' ? mixWord([I64_CONST, ...sleb128(0xffn)]) : []),
    ...[I32_CONST, 0, LOCAL_GET, H, ...I64_STORE],
    END,
  ];
}

const bodies = [hashBody('slice'), hashBody('str')];

function section(id: number, content: number[]): number[] {
  return [id, ...uleb128(content.length), ...content];
}

function name(text: string): number[] {
  return [text.length, ...Array.from(text, (c) => c.charCodeAt(0))];
}

/** The module's bytes (exported for the test that validates them). */
export const FXHASH64_WASM = Uint8Array.from([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
  ...section(1, [1, 0x60, 1, 0x7f, 0]), // types: (func (param i32))
  ...section(3, [2, 0, 0]), // functions: two, of type 0
  ...section(5, [1, 0x00, 1]), // memories: one, min 1 page, no max
  ...section(7, [3, ...name('memory'), 0x02, 0, ...name('slice'), 0x00, 0, ...name('str'), 0x00, 1]), // exports
  ...section(10, [2, ...bodies.flatMap((body) => [...uleb128(body.length), ...body])]), // code
]);

interface Fxhash64Wasm {
  /** The module's memory as bytes: a byte key is copied to `KEY_AT`. */
  bytes: Uint8Array;
  /** The key area, `[KEY_AT, KEY_AT + WASM_UP_TO)`: where the UTF-8 encoder writes strings. */
  keyBytes: Uint8Array;
  /** The same memory as int32 words: the hash is words 0 (low) and 1 (high), little-endian. */
  words: Int32Array;
  slice: (length: number) => void;
  str: (length: number) => void;
}

/** Why the WebAssembly path is off (the JS loop serves every key then), or null when it is on. */
export let wasmUnavailableReason: string | null = null;

/** The part of the WebAssembly JS API used here (this package's TypeScript libs do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}

function instantiate(): Fxhash64Wasm | null {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (api === undefined) {
    wasmUnavailableReason = 'WebAssembly is not available in this runtime (node --jitless?)';
    return null;
  }
  try {
    const { exports } = new api.Instance(new api.Module(FXHASH64_WASM));
    const memory = (exports.memory as { buffer: ArrayBuffer }).buffer;
    return {
      bytes: new Uint8Array(memory),
      keyBytes: new Uint8Array(memory, KEY_AT, WASM_UP_TO),
      words: new Int32Array(memory, 0, 2),
      slice: exports.slice as (length: number) => void,
      str: exports.str as (length: number) => void,
    };
  } catch (error) {
    wasmUnavailableReason = `the WebAssembly module did not instantiate: ${(error as Error).message}`;
    return null;
  }
}

/** The instance, or null when WebAssembly is unavailable here. */
export const fxhash64Wasm: Fxhash64Wasm | null = instantiate();

/** Where encodeUtf8() writes strings that fit (the module's key area), or null without WebAssembly. */
export const wasmKeyBytes: Uint8Array | null = fxhash64Wasm === null ? null : fxhash64Wasm.keyBytes;

/**
 * Hashes `bytes` (at least `WASM_FROM` long) as a Rust `&[u8]` into `HALVES`: in WebAssembly up
 * to `WASM_UP_TO` bytes where it is available, else with absorbSlice64().
 */
export function absorbLongSlice64(bytes: Uint8Array): void {
  const wasm = fxhash64Wasm;
  if (wasm === null || bytes.length > 65520) {
    absorbSlice64(bytes);
    return;
  }
  wasm.bytes.set(bytes, 16); // KEY_AT, as a literal: see absorb64.ts on module constants
  wasm.slice(bytes.length);
  HALVES[LO] = wasm.words[0] as number;
  HALVES[HI] = wasm.words[1] as number;
}

/**
 * Hashes the `length` UTF-8 bytes encodeUtf8() wrote into `wasmKeyBytes` as a Rust `&str` into
 * `HALVES`. Only when `utf8Bytes() === wasmKeyBytes` (hashKey64() checks).
 */
export function absorbStrWasm(length: number): void {
  const wasm = fxhash64Wasm as Fxhash64Wasm;
  wasm.str(length);
  HALVES[LO] = wasm.words[0] as number;
  HALVES[HI] = wasm.words[1] as number;
}
