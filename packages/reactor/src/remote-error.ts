import { internalCodec } from './codec/codec.js';

/** A thrown value as plain data: what crosses a ring (ERROR records) or a MessagePort (control). */
export interface ErrorData {
  name: string;
  message: string;
  code?: string;
  /** A system error's errno and syscall (an fs or uring failure in a handler). */
  errno?: number;
  syscall?: string;
  stack?: string;
}

/** A thrown value as plain data (an Error's name, message, string code and stack; else its text). */
export function errorData(error: unknown): ErrorData {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const { code, errno, syscall } = error as { code?: unknown; errno?: unknown; syscall?: unknown };
  return {
    name: error.name,
    message: error.message,
    ...(error.stack === undefined ? {} : { stack: error.stack }),
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof errno === 'number' ? { errno } : {}),
    ...(typeof syscall === 'string' ? { syscall } : {}),
  };
}

/**
 * The error a caller gets for one thrown on core `core`: an `Error` with the thrower's `name`,
 * `message`, `code` (and a system error's `errno` and `syscall`), plus `core`; the thrower's
 * stack is in `remoteStack`.
 */
export function errorFromData(data: ErrorData, core: number): Error {
  const error = new Error(data.message) as Error & {
    code?: string;
    errno?: number;
    syscall?: string;
    core: number;
    remoteStack?: string;
  };
  error.name = data.name;
  if (data.code !== undefined) error.code = data.code;
  if (data.errno !== undefined) error.errno = data.errno;
  if (data.syscall !== undefined) error.syscall = data.syscall;
  error.core = core;
  if (data.stack !== undefined) error.remoteStack = data.stack;
  return error;
}

/** Encodes a thrown value as the payload of an ERROR record. */
export function encodeError(error: unknown): Uint8Array {
  return internalCodec.encode(errorData(error));
}

/** Decodes the payload of an ERROR record from core `core`. */
export function decodeError(bytes: Uint8Array, core: number): Error {
  return errorFromData(internalCodec.decode(bytes) as ErrorData, core);
}
