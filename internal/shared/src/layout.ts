import { CorelaneError, ErrorCode } from './errors.js';

/**
 * The header every corelane structure in a `SharedArrayBuffer` starts with (rings, epoch tables,
 * map arenas, completion queues). Eight little 32-bit words in the first cache line:
 *
 * ```
 * byte 0        4         8        12        16          20           24           28       32 … 64
 *      ┌────────┬─────────┬────────┬─────────┬───────────┬────────────┬────────────┬────────┬──────┐
 *      │ magic  │ version │ kind   │ variant │ capacity  │ dataOffset │ byteLength │ (zero) │ free │
 *      └────────┴─────────┴────────┴─────────┴───────────┴────────────┴────────────┴────────┴──────┘
 * ```
 *
 * - `magic` names the family (four ASCII bytes), `version` its layout version, `kind` the
 *   structure within the family, `variant` a kind-specific choice (an element type, a flag set).
 * - `capacity` is in the structure's own unit (slots, bytes, entries); `dataOffset` is where
 *   its data starts; `byteLength` is the whole buffer the structure expects.
 * - `magic` is written last, with `Atomics.store`, so a half-written header never validates.
 *
 * Words use the platform's byte order (the buffer is shared between threads of one process,
 * never written to disk or the network).
 */
export const HeaderWord = {
  MAGIC: 0,
  VERSION: 1,
  KIND: 2,
  VARIANT: 3,
  CAPACITY: 4,
  DATA_OFFSET: 5,
  BYTE_LENGTH: 6,
} as const;

/** Size of the common header: one cache line. Structure-specific words start at this offset. */
export const HEADER_BYTES = 64;

/** One x86-64 / arm64 cache line. */
export const CACHE_LINE_BYTES = 64;

/**
 * The distance that keeps two fields written by different threads from false sharing, even with
 * the adjacent-line prefetcher (Intel pulls cache lines in pairs): two cache lines.
 */
export const FALSE_SHARING_BYTES = 128;

/** The values of a header, all unsigned 32-bit. */
export interface HeaderFields {
  magic: number;
  version: number;
  kind: number;
  variant: number;
  capacity: number;
  dataOffset: number;
  byteLength: number;
}

/** What `validateHeader()` expects; each check that fails names the field in the error. */
export interface HeaderExpectation {
  /** Used in messages: "not a corelane byte ring". */
  what: string;
  magic: number;
  version: number;
  kind: number;
  /** The variants this reader understands (any when omitted). */
  variants?: readonly number[];
  /** Checks capacity and variant together; returns a reason when they are wrong. */
  checkCapacity?: (fields: HeaderFields) => string | null;
  /** The data offset and total byte length a header with these fields must declare. */
  expectedLayout: (fields: HeaderFields) => { dataOffset: number; byteLength: number };
}

/** The four ASCII characters of `name` as one 32-bit magic number (first character in the low byte). */
export function magicOf(name: string): number {
  if (!/^[\x20-\x7e]{4}$/.test(name)) throw new TypeError(`magic must be 4 printable ASCII characters, got ${name}`);
  return (
    (name.charCodeAt(0) | (name.charCodeAt(1) << 8) | (name.charCodeAt(2) << 16) | (name.charCodeAt(3) << 24)) >>> 0
  );
}

/** Rounds `value` up to a multiple of `alignment` (a power of two). */
export function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}

/** True for 1, 2, 4, 8, … up to 2^30. */
export function isPowerOfTwo(value: number): boolean {
  return Number.isInteger(value) && value > 0 && value <= 2 ** 30 && (value & (value - 1)) === 0;
}

/**
 * Writes a header into a fresh buffer. Every field except `magic` first, then `magic` with
 * `Atomics.store`, so that a reader either sees no magic or a complete header.
 */
export function writeHeader(buffer: SharedArrayBuffer, fields: HeaderFields): void {
  const words = new Int32Array(buffer, 0, HEADER_BYTES / 4);
  words[HeaderWord.VERSION] = fields.version;
  words[HeaderWord.KIND] = fields.kind;
  words[HeaderWord.VARIANT] = fields.variant;
  words[HeaderWord.CAPACITY] = fields.capacity;
  words[HeaderWord.DATA_OFFSET] = fields.dataOffset;
  words[HeaderWord.BYTE_LENGTH] = fields.byteLength;
  Atomics.store(words, HeaderWord.MAGIC, fields.magic | 0);
}

/** Reads the header words of a buffer at least `HEADER_BYTES` long, without validating them. */
export function readHeader(buffer: SharedArrayBuffer): HeaderFields {
  const words = new Int32Array(buffer, 0, HEADER_BYTES / 4);
  return {
    magic: Atomics.load(words, HeaderWord.MAGIC) >>> 0,
    version: (words[HeaderWord.VERSION] as number) >>> 0,
    kind: (words[HeaderWord.KIND] as number) >>> 0,
    variant: (words[HeaderWord.VARIANT] as number) >>> 0,
    capacity: (words[HeaderWord.CAPACITY] as number) >>> 0,
    dataOffset: (words[HeaderWord.DATA_OFFSET] as number) >>> 0,
    byteLength: (words[HeaderWord.BYTE_LENGTH] as number) >>> 0,
  };
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}

/**
 * Reads and checks the header of `buffer` against `expected`, reading only (nothing is written).
 * Throws `ERR_CORELANE_BAD_RING` naming the first field that is wrong; returns the fields.
 */
export function validateHeader(buffer: unknown, expected: HeaderExpectation): HeaderFields {
  const bad = (why: string) => new CorelaneError(ErrorCode.BAD_RING, `not a ${expected.what}: ${why}`);
  if (!(buffer instanceof SharedArrayBuffer)) {
    throw bad(`expected a SharedArrayBuffer, got ${buffer === null ? 'null' : typeof buffer}`);
  }
  if (buffer.byteLength < HEADER_BYTES) throw bad(`the buffer is ${buffer.byteLength} bytes, shorter than a header`);
  const fields = readHeader(buffer);
  if (fields.magic !== expected.magic) throw bad(`magic is ${hex(fields.magic)}, expected ${hex(expected.magic)}`);
  if (fields.version !== expected.version) {
    throw bad(`layout version ${fields.version}, this reader understands version ${expected.version}`);
  }
  if (fields.kind !== expected.kind) throw bad(`kind is ${fields.kind}, expected ${expected.kind}`);
  if (expected.variants && !expected.variants.includes(fields.variant)) {
    throw bad(`variant ${fields.variant} is not one of ${expected.variants.join(', ')}`);
  }
  const capacityProblem = expected.checkCapacity?.(fields) ?? null;
  if (capacityProblem !== null) throw bad(capacityProblem);
  const layout = expected.expectedLayout(fields);
  if (fields.dataOffset !== layout.dataOffset) {
    throw bad(`data offset ${fields.dataOffset}, expected ${layout.dataOffset}`);
  }
  if (fields.byteLength !== layout.byteLength) {
    throw bad(`header declares ${fields.byteLength} bytes, the layout needs ${layout.byteLength}`);
  }
  if (buffer.byteLength !== layout.byteLength) {
    throw bad(`the buffer is ${buffer.byteLength} bytes, the header declares ${layout.byteLength}`);
  }
  return fields;
}

/**
 * True where a typed array's words are little endian. Rings' frames, routed records and WAL
 * records lay their u32 fields out little endian, so there (x86-64, arm64) a whole-word store
 * or load moves the bytes a byte loop would; elsewhere code keeps its byte loops.
 */
export const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/**
 * An Int32Array over exactly the bytes of `bytes`, for whole-word stores into a little-endian
 * layout: null where words cannot be used (a big-endian host, or bytes not on a 4-byte
 * boundary or not a whole number of words, as a view from elsewhere may be). Make it once per
 * region, not per record.
 */
export function littleEndianWordsOf(bytes: Uint8Array): Int32Array | null {
  if (!LITTLE_ENDIAN || bytes.byteOffset % 4 !== 0 || bytes.length % 4 !== 0) return null;
  return new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2);
}
