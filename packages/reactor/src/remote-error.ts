import { internalCodec } from './codec/codec.js';

/** What crosses a ring when a handler throws: enough to rebuild a recognisable error. */
interface ErrorPayload {
  name: string;
  message: string;
  code?: unknown;
  stack?: string;
}

/** Encodes a thrown value as the payload of an ERROR record. */
export function encodeError(error: unknown): Uint8Array {
  const payload: ErrorPayload =
    error instanceof Error
      ? { name: error.name, message: error.message, ...(error.stack === undefined ? {} : { stack: error.stack }) }
      : { name: 'Error', message: String(error) };
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== undefined && (typeof code === 'string' || typeof code === 'number')) payload.code = code;
  return internalCodec.encode(payload);
}

/**
 * The error a caller gets for a handler that threw on core `core`: an `Error` with the
 * handler's `name`, `message` and `code`, plus `core`; the handler's stack is in `remoteStack`.
 */
export function decodeError(bytes: Uint8Array, core: number): Error {
  const payload = internalCodec.decode(bytes) as ErrorPayload;
  const error = new Error(payload.message) as Error & { code?: unknown; core: number; remoteStack?: string };
  error.name = payload.name;
  if (payload.code !== undefined) error.code = payload.code;
  error.core = core;
  if (payload.stack !== undefined) error.remoteStack = payload.stack;
  return error;
}
