// Argument checks shared by IoRing and Batch. Each throws a typed error before anything is
// staged, so a bad call never reaches the kernel.
import { constants } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CorelaneRangeError, CorelaneTypeError, ErrorCode, requireInteger } from '@corelane/shared';

/** The largest count one read or write may ask for (Linux caps a transfer at 0x7ffff000). */
export const MAX_IO_LENGTH = 0x7ffff000;
/** The most views one readv/writev may take (IOV_MAX). */
export const MAX_IOVECS = 1024;
const MAX_FD = 0x7fffffff;

/** A file descriptor: an integer in 0..2^31-1. */
export function requireFd(value: unknown, name = 'fd'): number {
  return requireInteger(name, value, 0, MAX_FD);
}

/** A file position: an integer >= 0, or `null`/`undefined`/-1 for the file's current position. */
export function requirePosition(value: unknown): number {
  if (value === undefined || value === null || value === -1) return -1;
  if (typeof value === 'bigint') return requireInteger('position', Number(value), 0, Number.MAX_SAFE_INTEGER);
  return requireInteger('position', value, 0, Number.MAX_SAFE_INTEGER);
}

/** A TypedArray or DataView whose buffer is not detached. */
export function requireView(name: string, value: unknown): ArrayBufferView {
  if (!ArrayBuffer.isView(value)) {
    throw new CorelaneTypeError(
      ErrorCode.INVALID_ARGUMENT,
      `${name} must be a Buffer, TypedArray or DataView, got ${value === null ? 'null' : typeof value}`,
    );
  }
  if (isDetachedView(value)) {
    throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, `${name} is detached (its ArrayBuffer was transferred)`);
  }
  return value;
}

/**
 * Whether `view`'s buffer was detached. A TypedArray over a detached buffer reads as empty, so
 * only an empty one needs `.buffer` (a runtime call, on the per-operation path); a DataView
 * throws on `byteLength` once detached, so it is always checked through its buffer.
 */
export function isDetachedView(view: ArrayBufferView): boolean {
  if (!(view instanceof DataView) && view.byteLength !== 0) return false;
  return (view.buffer as ArrayBuffer & { detached?: boolean }).detached === true;
}

/** Whether `view` is over a SharedArrayBuffer: memory JS can neither detach nor shrink (registerBuffers needs it). */
export function isShared(view: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && view.buffer instanceof SharedArrayBuffer;
}

/**
 * The bytes of `view` that an op reads into or writes from: `offset`/`length` as in
 * `fs.read(fd, buffer, { offset, length })`, checked against the view's size.
 */
export function requireRange(
  name: string,
  view: ArrayBufferView,
  offset: unknown,
  length: unknown,
): { bytes: Uint8Array; length: number } {
  const start = offset === undefined ? 0 : requireInteger(`${name} offset`, offset, 0, view.byteLength);
  const size =
    length === undefined
      ? view.byteLength - start
      : requireInteger(`${name} length`, length, 0, Number.MAX_SAFE_INTEGER);
  if (start + size > view.byteLength) {
    throw new CorelaneRangeError(
      ErrorCode.OUT_OF_RANGE,
      `${name} length ${size} at offset ${start} runs past the end of a ${view.byteLength}-byte buffer`,
    );
  }
  if (size > MAX_IO_LENGTH) {
    throw new CorelaneRangeError(
      ErrorCode.OUT_OF_RANGE,
      `${name} length must be at most ${MAX_IO_LENGTH}, got ${size}`,
    );
  }
  const bytes =
    view instanceof Uint8Array && start === 0 && size === view.byteLength
      ? view
      : new Uint8Array(view.buffer, view.byteOffset + start, size);
  return { bytes, length: size };
}

/** A list of views for readv/writev; returns them as byte views and their total size. */
export function requireViews(value: unknown): { views: Uint8Array[]; total: number } {
  if (!Array.isArray(value)) {
    throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, 'buffers must be an array of ArrayBufferViews');
  }
  if (value.length > MAX_IOVECS) {
    throw new CorelaneRangeError(
      ErrorCode.OUT_OF_RANGE,
      `buffers may hold at most ${MAX_IOVECS} views, got ${value.length}`,
    );
  }
  let total = 0;
  const views = value.map((item, i) => {
    const view = requireView(`buffers[${i}]`, item);
    total += view.byteLength;
    return view instanceof Uint8Array ? view : new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  });
  if (total > MAX_IO_LENGTH) {
    throw new CorelaneRangeError(
      ErrorCode.OUT_OF_RANGE,
      `buffers must total at most ${MAX_IO_LENGTH} bytes, got ${total}`,
    );
  }
  return { views, total };
}

/** A path: a string or a file: URL, without NUL bytes. */
export function requirePath(name: string, value: unknown): string {
  const path = value instanceof URL ? fileURLToPath(value) : value;
  if (typeof path !== 'string') {
    throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, `${name} must be a string or a file: URL`);
  }
  if (path.length === 0 || path.includes('\0')) {
    throw new CorelaneRangeError(ErrorCode.OUT_OF_RANGE, `${name} must be a non-empty path without NUL bytes`);
  }
  return path;
}

/** A permission mode: an integer in 0..0o7777. */
export function requireMode(value: unknown, fallback: number): number {
  return value === undefined ? fallback : requireInteger('mode', value, 0, 0o7777);
}

const { O_APPEND, O_CREAT, O_EXCL, O_RDONLY, O_RDWR, O_SYNC, O_TRUNC, O_WRONLY } = constants;

const namedFlags: Record<string, number> = {
  r: O_RDONLY,
  rs: O_RDONLY | O_SYNC,
  sr: O_RDONLY | O_SYNC,
  'r+': O_RDWR,
  'rs+': O_RDWR | O_SYNC,
  'sr+': O_RDWR | O_SYNC,
  w: O_TRUNC | O_CREAT | O_WRONLY,
  wx: O_TRUNC | O_CREAT | O_WRONLY | O_EXCL,
  xw: O_TRUNC | O_CREAT | O_WRONLY | O_EXCL,
  'w+': O_TRUNC | O_CREAT | O_RDWR,
  'wx+': O_TRUNC | O_CREAT | O_RDWR | O_EXCL,
  'xw+': O_TRUNC | O_CREAT | O_RDWR | O_EXCL,
  a: O_APPEND | O_CREAT | O_WRONLY,
  ax: O_APPEND | O_CREAT | O_WRONLY | O_EXCL,
  xa: O_APPEND | O_CREAT | O_WRONLY | O_EXCL,
  as: O_APPEND | O_CREAT | O_WRONLY | O_SYNC,
  sa: O_APPEND | O_CREAT | O_WRONLY | O_SYNC,
  'a+': O_APPEND | O_CREAT | O_RDWR,
  'ax+': O_APPEND | O_CREAT | O_RDWR | O_EXCL,
  'xa+': O_APPEND | O_CREAT | O_RDWR | O_EXCL,
  'as+': O_APPEND | O_CREAT | O_RDWR | O_SYNC,
  'sa+': O_APPEND | O_CREAT | O_RDWR | O_SYNC,
};

/** Open flags as `node:fs` takes them: a string such as `'r+'`, or `O_*` bits. */
export function requireOpenFlags(value: unknown): number {
  if (value === undefined) return O_RDONLY;
  if (typeof value === 'number') return requireInteger('flags', value, 0, 0x7fffffff);
  if (typeof value === 'string' && value in namedFlags) return namedFlags[value] as number;
  throw new CorelaneTypeError(
    ErrorCode.INVALID_ARGUMENT,
    `flags must be O_* bits or one of ${Object.keys(namedFlags).join(', ')}, got ${String(value)}`,
  );
}
