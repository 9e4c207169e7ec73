// Creating and checking the map buffer's header (layout.ts). The common header helpers of
// internal/shared are reused; the length check differs, because this buffer grows: the header
// declares its maximum (`maxByteLength`), not its current length.
import { CorelaneError, ErrorCode, readHeader, writeHeader } from '@corelane/shared';
import { ARENA_START, MAP_KIND, MAP_MAGIC, MAP_VERSION, MapWord } from './layout.js';
import { segmentBytes } from './table.js';

/** The most buckets segment 0 may hold (log2): 2^24 buckets are 192 MiB. */
export const MAX_SEG0_LOG2 = 24;

/** The largest `arenaBytes`: offsets are positive int32 with bit 0 free for a mark. */
export const MAX_ARENA_BYTES = 2 ** 31 - 2 ** 16;

/** Arena room a map has past its control area and segment 0, at the least. */
const SMALL_ARENA_BYTES = 64 * 1024;

/** The smallest `arenaBytes` of a map whose segment 0 holds 2^log2Seg0 buckets. */
export function minArenaBytes(log2Seg0: number): number {
  return ARENA_START + segmentBytes(log2Seg0, 0) + SMALL_ARENA_BYTES;
}

/** Writes the header of a fresh map buffer; `magic` last (SC), so a half-written header never validates. */
export function writeMapHeader(buffer: SharedArrayBuffer, log2Seg0: number): void {
  writeHeader(buffer, {
    magic: MAP_MAGIC,
    version: MAP_VERSION,
    kind: MAP_KIND,
    variant: 0,
    capacity: log2Seg0,
    dataOffset: ARENA_START,
    byteLength: buffer.maxByteLength,
  });
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}

/**
 * Checks that `buffer` is a map buffer of this version, reading only; returns log2 of segment
 * 0's buckets. Throws `ERR_CORELANE_BAD_MAP` naming the first thing that is wrong.
 */
export function validateMapBuffer(buffer: unknown): number {
  const bad = (why: string) => new CorelaneError(ErrorCode.BAD_MAP, `not a corelane shared map: ${why}`);
  if (!(buffer instanceof SharedArrayBuffer)) {
    throw bad(`handle.map must be a SharedArrayBuffer, got ${buffer === null ? 'null' : typeof buffer}`);
  }
  if (!buffer.growable) throw bad('the buffer is not growable (a map buffer is created with a maxByteLength)');
  if (buffer.byteLength < ARENA_START) {
    throw bad(`the buffer is ${buffer.byteLength} bytes, shorter than the control area (${ARENA_START})`);
  }
  const fields = readHeader(buffer);
  if (fields.magic !== MAP_MAGIC) throw bad(`magic is ${hex(fields.magic)}, expected ${hex(MAP_MAGIC)}`);
  if (fields.version !== MAP_VERSION) {
    throw bad(`layout version ${fields.version}, this reader understands version ${MAP_VERSION}`);
  }
  if (fields.kind !== MAP_KIND) throw bad(`kind is ${fields.kind}, expected ${MAP_KIND}`);
  if (fields.variant !== 0) throw bad(`variant ${fields.variant}, expected 0`);
  if (fields.capacity < 1 || fields.capacity > MAX_SEG0_LOG2) {
    throw bad(`segment 0 holds 2^${fields.capacity} buckets, expected 2^1..2^${MAX_SEG0_LOG2}`);
  }
  if (fields.dataOffset !== ARENA_START) throw bad(`data offset ${fields.dataOffset}, expected ${ARENA_START}`);
  if (fields.byteLength !== buffer.maxByteLength) {
    throw bad(`header declares ${fields.byteLength} bytes, the buffer's maxByteLength is ${buffer.maxByteLength}`);
  }
  const max = buffer.maxByteLength;
  if (max < minArenaBytes(fields.capacity) || max > MAX_ARENA_BYTES) {
    throw bad(`maxByteLength ${max}, expected ${minArenaBytes(fields.capacity)}..${MAX_ARENA_BYTES} for its segment 0`);
  }
  // SC loads, reading only: written before the handle left the creating thread.
  const control = new Int32Array(buffer, 0, ARENA_START / 4);
  const top = Atomics.load(control, MapWord.TOP);
  if (top < ARENA_START || top > max) throw bad(`arena top ${top} is outside the buffer`);
  const segment0 = Atomics.load(control, MapWord.DIRECTORY);
  if (segment0 !== ARENA_START) throw bad(`segment 0 is at ${segment0}, expected the arena start ${ARENA_START}`);
  return fields.capacity;
}
