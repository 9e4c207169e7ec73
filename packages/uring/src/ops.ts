// Turns the arguments of each operation into an OpSpec: validated, normalised, ready to stage.
// operations.ts calls these for IoRing and Batch alike, so a batch op is checked exactly like a
// single one.
import {
  CorelaneRangeError,
  CorelaneTypeError,
  ErrorCode,
  optionalBoolean,
  requireInteger,
  requireOptions,
} from '@corelane/shared';
import {
  MAX_IO_LENGTH,
  requireFd,
  requireMode,
  requireOpenFlags,
  requirePath,
  requirePosition,
  requireRange,
  requireView,
  requireViews,
} from './arguments.js';
import { OpCode, OpFlag } from './opcodes.js';
import { STATX_SIZE } from './stats.js';

/** Options every operation takes. */
export interface OpOptions {
  /**
   * Aborting cancels the operation (IORING_OP_ASYNC_CANCEL); its promise rejects with
   * `ERR_CORELANE_CANCELLED` (a `CorelaneError`: the caller gave up). Already aborted when the
   * operation is made or submitted, the operation never starts; in a batch, the rest of its
   * linked chain then rejects with `ECANCELED` (a `FileSystemError`: a broken link). On
   * io_uring an operation still waiting in a linked chain for the one before it cannot be
   * cancelled (the kernel does not find it) and runs when its turn comes: abort the one that
   * runs to stop the chain. The thread-pool backend cancels it.
   */
  signal?: AbortSignal | undefined;
}

/** Options of operations on an open file. */
export interface FileOpOptions extends OpOptions {
  /** `fd` is an index into the files given to `registerFiles()`, not a file descriptor. */
  fixedFile?: boolean;
}

/** Options of `read()` and `write()`. */
export interface ReadWriteOptions extends FileOpOptions {
  /** Where in `buffer` the bytes start. Default 0. */
  offset?: number;
  /** How many bytes. Default: the rest of `buffer` after `offset`. */
  length?: number;
  /**
   * `buffer` lies inside the registered buffer with this index (see `registerBuffers()`):
   * the kernel uses it in place, with READ_FIXED / WRITE_FIXED.
   */
  registeredBuffer?: number;
  /**
   * `write()` only: the write is durable when its promise resolves, as if an fdatasync of its
   * range had followed it (RWF_DSYNC, `pwritev2()`'s flag; what a file opened with O_DSYNC does
   * for every write): one operation in place of a write linked to an fdatasync. Unlike an
   * fdatasync it covers this write's range only, not other dirty data of the file. The thread
   * pool runs `pwritev2(RWF_DSYNC)` (a write, then fdatasync, where the kernel lacks it). A
   * short write makes its written part durable. Default false.
   */
  dsync?: boolean;
}

/** Options of `fsync()`. */
export interface FsyncOptions extends FileOpOptions {
  /** fdatasync: flush the data and only the metadata needed to read it back. Default false. */
  dataOnly?: boolean;
}

/** Options of `fallocate()`. */
export interface FallocateOptions extends FileOpOptions {
  /** `FALLOC_FL_*` bits (0: allocate and extend the size). Default 0. */
  mode?: number;
}

/** Options of `statx()`. */
export interface StatxOptions extends OpOptions {
  /** Stat a symbolic link itself rather than what it points to (lstat). Default false. */
  noFollow?: boolean;
}

/** One validated operation, in the terms of the descriptor layout (see staging.ts). */
export interface OpSpec {
  code: number;
  flags: number;
  fd: number;
  offset: number;
  length: number;
  a1: number;
  a2: number;
  ref0: unknown;
  ref1: unknown;
  /** The system call `node:fs` would name in an error. */
  syscall: string;
  path?: string | undefined;
  dest?: string | undefined;
  /** Where a statx op's `struct statx` lands. */
  statx?: Uint8Array | undefined;
  signal?: AbortSignal | undefined;
  /** For registered-buffer checks: the view the op uses in place. */
  inPlace?: Uint8Array | undefined;
}

const AT_SYMLINK_NOFOLLOW = 0x100;
const AT_REMOVEDIR = 0x200;
const AT_EMPTY_PATH = 0x1000;
const STATX_BASIC_STATS_AND_BTIME = 0x7ff | 0x800;
/** The longest timeout op: about 24 days, as setTimeout allows. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

// Every OpSpec gets the same fields in the same order (one hidden class, no object spread):
// building specs is on the per-operation path.
function spec(code: number, syscall: string, f: Partial<OpSpec>): OpSpec {
  return {
    code,
    flags: f.flags ?? 0,
    fd: f.fd ?? -1,
    offset: f.offset ?? 0,
    length: f.length ?? 0,
    a1: f.a1 ?? 0,
    a2: f.a2 ?? 0,
    ref0: f.ref0,
    ref1: f.ref1,
    syscall,
    path: f.path,
    dest: f.dest,
    statx: f.statx,
    signal: f.signal,
    inPlace: f.inPlace,
  };
}

function signalOf(options: OpOptions): AbortSignal | undefined {
  const { signal } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, 'options.signal must be an AbortSignal');
  }
  return signal;
}

function fileFlags(options: FileOpOptions): number {
  return optionalBoolean('options.fixedFile', options.fixedFile, false) ? OpFlag.fixedFile : 0;
}

export function openSpec(path: unknown, flags: unknown, mode: unknown, options?: OpOptions): OpSpec {
  const p = requirePath('path', path);
  const o = requireOptions('options', options);
  return spec(OpCode.open, 'open', {
    a1: requireOpenFlags(flags),
    a2: requireMode(mode, 0o666),
    ref0: p,
    path: p,
    signal: signalOf(o),
  });
}

export function closeSpec(fd: unknown, options?: OpOptions): OpSpec {
  const o = requireOptions('options', options);
  return spec(OpCode.close, 'close', { fd: requireFd(fd), signal: signalOf(o) });
}

export function readWriteSpec(
  code: typeof OpCode.read | typeof OpCode.write,
  fd: unknown,
  buffer: unknown,
  position: unknown,
  options?: ReadWriteOptions,
): OpSpec {
  const f = requireFd(fd);
  const view = requireView('buffer', buffer);
  const pos = requirePosition(position);
  if (options === undefined && view instanceof Uint8Array && view.byteLength <= MAX_IO_LENGTH) {
    // The common call, read(fd, bytes, position): nothing more to check, no option objects,
    // and the spec built in place (the same fields in the same order as spec() makes).
    return {
      code,
      flags: 0,
      fd: f,
      offset: pos,
      length: view.byteLength,
      a1: 0,
      a2: 0,
      ref0: view,
      ref1: undefined,
      syscall: code === OpCode.read ? 'read' : 'write',
      path: undefined,
      dest: undefined,
      statx: undefined,
      signal: undefined,
      inPlace: undefined,
    };
  }
  const o = requireOptions('options', options);
  // A batch's read/write carries options ({ link: true }) but rarely a range: the whole view,
  // with no range object and no subarray.
  let bytes: Uint8Array;
  let length: number;
  if (
    o.offset === undefined &&
    o.length === undefined &&
    view instanceof Uint8Array &&
    view.byteLength <= MAX_IO_LENGTH
  ) {
    bytes = view;
    length = view.byteLength;
  } else {
    ({ bytes, length } = requireRange('buffer', view, o.offset, o.length));
  }
  let flags = fileFlags(o);
  if (optionalBoolean('options.dsync', o.dsync, false)) {
    if (code !== OpCode.write) {
      throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, 'options.dsync applies to write() only');
    }
    flags |= OpFlag.dsync;
  }
  let a1 = 0;
  if (o.registeredBuffer !== undefined) {
    a1 = requireInteger('options.registeredBuffer', o.registeredBuffer, 0, 0xffff);
    flags |= OpFlag.fixedBuffer;
  }
  return {
    code,
    flags,
    fd: f,
    offset: pos,
    length,
    a1,
    a2: 0,
    ref0: bytes,
    ref1: undefined,
    syscall: code === OpCode.read ? 'read' : 'write',
    path: undefined,
    dest: undefined,
    statx: undefined,
    signal: signalOf(o),
    inPlace: (flags & OpFlag.fixedBuffer) !== 0 ? bytes : undefined,
  };
}

export function vectorSpec(
  code: typeof OpCode.readv | typeof OpCode.writev,
  fd: unknown,
  buffers: unknown,
  position: unknown,
  options?: FileOpOptions,
): OpSpec {
  const f = requireFd(fd);
  const { views, total } = requireViews(buffers);
  const pos = requirePosition(position);
  const o = requireOptions('options', options);
  if (optionalBoolean('options.dsync', (o as { dsync?: unknown }).dsync, false)) {
    // Refused, not ignored (as read() refuses it): a caller who asked for a durable write must
    // not get a plain one.
    throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, 'options.dsync applies to write() only');
  }
  return spec(code, code === OpCode.readv ? 'read' : 'write', {
    fd: f,
    flags: fileFlags(o),
    offset: pos,
    length: total,
    ref0: views,
    signal: signalOf(o),
  });
}

export function fsyncSpec(fd: unknown, options?: FsyncOptions): OpSpec {
  const f = requireFd(fd);
  const o = requireOptions('options', options);
  const dataOnly = optionalBoolean('options.dataOnly', o.dataOnly, false);
  return spec(OpCode.fsync, dataOnly ? 'fdatasync' : 'fsync', {
    fd: f,
    flags: fileFlags(o),
    a1: dataOnly ? 1 : 0,
    signal: signalOf(o),
  });
}

export function ftruncateSpec(fd: unknown, length: unknown, options?: FileOpOptions): OpSpec {
  const f = requireFd(fd);
  const size = length === undefined ? 0 : requireInteger('length', length, 0, Number.MAX_SAFE_INTEGER);
  const o = requireOptions('options', options);
  return spec(OpCode.ftruncate, 'ftruncate', { fd: f, flags: fileFlags(o), offset: size, signal: signalOf(o) });
}

export function fallocateSpec(fd: unknown, offset: unknown, length: unknown, options?: FallocateOptions): OpSpec {
  const f = requireFd(fd);
  const at = requireInteger('offset', offset, 0, Number.MAX_SAFE_INTEGER);
  const size = requireInteger('length', length, 1, Number.MAX_SAFE_INTEGER);
  const o = requireOptions('options', options);
  return spec(OpCode.fallocate, 'fallocate', {
    fd: f,
    flags: fileFlags(o),
    offset: at,
    length: size,
    a1: o.mode === undefined ? 0 : requireInteger('options.mode', o.mode, 0, 0xff),
    signal: signalOf(o),
  });
}

export function statxSpec(target: unknown, options?: StatxOptions): OpSpec {
  const o = requireOptions('options', options);
  const noFollow = optionalBoolean('options.noFollow', o.noFollow, false);
  const out = new Uint8Array(STATX_SIZE);
  if (typeof target === 'number') {
    return spec(OpCode.statx, 'fstat', {
      fd: requireFd(target, 'fd'),
      a1: AT_EMPTY_PATH,
      a2: STATX_BASIC_STATS_AND_BTIME,
      ref0: '',
      ref1: out,
      statx: out,
      signal: signalOf(o),
    });
  }
  const p = requirePath('path', target);
  return spec(OpCode.statx, noFollow ? 'lstat' : 'stat', {
    a1: noFollow ? AT_SYMLINK_NOFOLLOW : 0,
    a2: STATX_BASIC_STATS_AND_BTIME,
    ref0: p,
    ref1: out,
    path: p,
    statx: out,
    signal: signalOf(o),
  });
}

export function unlinkSpec(path: unknown, directory: boolean, options?: OpOptions): OpSpec {
  const p = requirePath('path', path);
  const o = requireOptions('options', options);
  return spec(OpCode.unlink, directory ? 'rmdir' : 'unlink', {
    a1: directory ? AT_REMOVEDIR : 0,
    ref0: p,
    path: p,
    signal: signalOf(o),
  });
}

export function renameSpec(from: unknown, to: unknown, options?: OpOptions): OpSpec {
  const a = requirePath('oldPath', from);
  const b = requirePath('newPath', to);
  const o = requireOptions('options', options);
  return spec(OpCode.rename, 'rename', { ref0: a, ref1: b, path: a, dest: b, signal: signalOf(o) });
}

export function mkdirSpec(path: unknown, mode: unknown, options?: OpOptions): OpSpec {
  const p = requirePath('path', path);
  const o = requireOptions('options', options);
  return spec(OpCode.mkdir, 'mkdir', { a1: requireMode(mode, 0o777), ref0: p, path: p, signal: signalOf(o) });
}

export function timeoutSpec(delayMs: unknown, options?: OpOptions): OpSpec {
  return timerSpec(OpCode.timeout, 'timeout', 'delayMs', delayMs, options);
}

/** The timeout that cancels the op linked before it (IORING_OP_LINK_TIMEOUT). */
export function linkTimeoutSpec(timeoutMs: unknown): OpSpec {
  return timerSpec(OpCode.linkTimeout, 'link_timeout', 'timeoutMs', timeoutMs, undefined);
}

function timerSpec(code: number, syscall: string, name: string, ms: unknown, options?: OpOptions): OpSpec {
  if (typeof ms !== 'number') {
    throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, `${name} must be a number, got ${typeof ms}`);
  }
  if (!(ms >= 0 && ms <= MAX_TIMEOUT_MS)) {
    throw new CorelaneRangeError(ErrorCode.OUT_OF_RANGE, `${name} must be in 0..${MAX_TIMEOUT_MS}, got ${ms}`);
  }
  const o = requireOptions('options', options);
  return spec(code, syscall, { length: Math.round(ms * 1e6), signal: signalOf(o) });
}
