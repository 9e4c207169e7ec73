// The plain commands one core forwards to another in one turn, as one flat byte frame: no
// object per command on the way out, one pass over the bytes on the way in (msgpack wrote a
// record definition and each field per command, and read them back as objects).
//
// ```
//  0       1       2               4                               8
//  ┌───────┬───────┬───────────────┬───────────────────────────────┐
//  │ 0xc1  │ kind  │ from (u16 LE) │ count (u32 LE)                │  header (FLAT_HEADER_BYTES)
//  └───────┴───────┴───────────────┴───────────────────────────────┘
//  then `count` runs, back to back:
//  ┌───────────────┬───────┬───────────────┬──────────────────────────────────┐
//  │ sid (f64 LE)  │ flags │ argc (u32 LE) │ argc × ( len u32 LE │ len bytes ) │
//  └───────────────┴───────┴───────────────┴──────────────────────────────────┘
//  flags: bit 0 RESP3 (the reply is encoded for protocol 3), bit 1 authenticated
//  sid: a float64, not a u32: a core's session ids step by the core count for as long as the
//  server runs, and pass 2^32 after 2^32 / cores connections (a u32 write then throws).
// ```
//
// An argument is a latin1 string (one char per byte, as the request parser makes them), so
// its bytes are its char codes and its length its byte length. Fields are unaligned little-endian
// (Buffer's readUInt32LE/writeUInt32LE, readDoubleLE/writeDoubleLE).
import { FLAT_HEADER_BYTES, FLAT_TAG, FlatFrame, FlatKind } from './flat.js';

const Run = {
  SID: 0,
  FLAGS: 8,
  ARGC: 9,
  /** Bytes of a run before its arguments. */
  BYTES: 13,
  /** Bytes before each argument's bytes (its length). */
  ARG_LENGTH_BYTES: 4,
} as const;

const RESP3 = 1;
const AUTHENTICATED = 2;

/** Up to this many chars a loop writes a string faster than a Buffer call. */
const SHORT_STRING = 32;

/** The bytes `argv` takes in a frame. */
export function runBytes(argv: readonly string[]): number {
  let n = Run.BYTES;
  for (const a of argv) n += Run.ARG_LENGTH_BYTES + a.length;
  return n;
}

/**
 * Collects the runs of one turn for one owner into one reused buffer; `take()` hands them out
 * as a frame the codec sends as it is (and the ring copies at once, so the buffer is reused).
 */
export class ForwardWriter {
  private buf: Buffer;
  private at = FLAT_HEADER_BYTES;
  /** Runs written since the last `take()`. */
  count = 0;

  constructor(
    readonly from: number,
    initialBytes = 4096,
  ) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** Bytes the frame would take now. */
  get size(): number {
    return this.at;
  }

  /** Appends one run (`bytes`: `runBytes(argv)`, which the caller computed already). */
  append(sid: number, protocol: 2 | 3, authenticated: boolean, argv: readonly string[], bytes: number): void {
    if (this.at + bytes > this.buf.length) this.grow(this.at + bytes);
    const buf = this.buf;
    let at = this.at;
    buf.writeDoubleLE(sid, at + Run.SID);
    buf[at + Run.FLAGS] = (protocol === 3 ? RESP3 : 0) | (authenticated ? AUTHENTICATED : 0);
    buf.writeUInt32LE(argv.length, at + Run.ARGC);
    at += Run.BYTES;
    for (const a of argv) {
      const n = a.length;
      buf.writeUInt32LE(n, at);
      at += Run.ARG_LENGTH_BYTES;
      if (n <= SHORT_STRING) for (let i = 0; i < n; i++) buf[at + i] = a.charCodeAt(i);
      else buf.write(a, at, n, 'latin1');
      at += n;
    }
    this.at = at;
    this.count++;
  }

  /** The frame of the runs appended since the last call (valid until the next `append()`). */
  take(): FlatFrame {
    const buf = this.buf;
    buf[0] = FLAT_TAG;
    buf[1] = FlatKind.FORWARD;
    buf[2] = this.from & 0xff;
    buf[3] = this.from >>> 8;
    buf.writeUInt32LE(this.count, 4);
    const frame = new FlatFrame(buf.subarray(0, this.at));
    this.at = FLAT_HEADER_BYTES;
    this.count = 0;
    return frame;
  }

  private grow(need: number): void {
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }
}

/** A decoded frame of forwarded runs: run `i` is `argvs[i]` for session `sids[i]` of core `from`. */
export class ForwardBatch {
  constructor(
    readonly from: number,
    readonly sids: number[],
    readonly protocols: (2 | 3)[],
    readonly authenticated: boolean[],
    readonly argvs: string[][],
  ) {}
}

/** Reads a FORWARD frame (`bytes` may be a view into the ring: every string is copied out). */
export function readForward(bytes: Uint8Array): ForwardBatch {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const from = (buf[2] as number) | ((buf[3] as number) << 8);
  const count = buf.readUInt32LE(4);
  // Sized once: push() from empty grows each array several times (measured: ~500 B a frame).
  const sids: number[] = new Array(count);
  const protocols: (2 | 3)[] = new Array(count);
  const authenticated: boolean[] = new Array(count);
  const argvs: string[][] = new Array(count);
  let at = FLAT_HEADER_BYTES;
  for (let r = 0; r < count; r++) {
    sids[r] = buf.readDoubleLE(at + Run.SID);
    const flags = buf[at + Run.FLAGS] as number;
    protocols[r] = flags & RESP3 ? 3 : 2;
    authenticated[r] = (flags & AUTHENTICATED) !== 0;
    const argc = buf.readUInt32LE(at + Run.ARGC);
    at += Run.BYTES;
    const argv: string[] = new Array(argc);
    for (let i = 0; i < argc; i++) {
      const n = buf.readUInt32LE(at);
      at += Run.ARG_LENGTH_BYTES;
      argv[i] = buf.toString('latin1', at, at + n);
      at += n;
    }
    argvs[r] = argv;
  }
  if (at !== buf.length) throw new Error(`corelane-kv: a forwarded frame of ${buf.length} bytes held ${at}`);
  return new ForwardBatch(from, sids, protocols, authenticated, argvs);
}
