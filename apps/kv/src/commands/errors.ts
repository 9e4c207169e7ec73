// The error replies Redis 7.0 shares between commands (server.c createSharedObjects()), word for
// word. A command throws one of them; the engine turns it into the reply.
import { ErrorReply } from '../resp/reply.js';

export const WRONGTYPE = new ErrorReply('WRONGTYPE Operation against a key holding the wrong kind of value');
export const NOT_INTEGER = new ErrorReply('ERR value is not an integer or out of range');
export const NOT_FLOAT = new ErrorReply('ERR value is not a valid float');
export const SYNTAX = new ErrorReply('ERR syntax error');
export const NO_SUCH_KEY = new ErrorReply('ERR no such key');
export const OUT_OF_RANGE = new ErrorReply('ERR index out of range');
export const OVERFLOW = new ErrorReply('ERR increment or decrement would overflow');
export const NAN_OR_INFINITY = new ErrorReply('ERR increment would produce NaN or Infinity');
export const MUST_BE_POSITIVE = new ErrorReply('ERR value is out of range, must be positive');
/** Redis's bare range error (HRANDFIELD's WITHVALUES count below -LONG_MAX/2). */
export const VALUE_OUT_OF_RANGE = new ErrorReply('ERR value is out of range');
export const STRING_TOO_LONG = new ErrorReply('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
export const SAME_OBJECT = new ErrorReply('ERR source and destination objects are the same');
export const DB_OUT_OF_RANGE = new ErrorReply('ERR DB index is out of range');
export const NOAUTH = new ErrorReply('NOAUTH Authentication required.');
export const WRONGPASS = new ErrorReply('WRONGPASS invalid username-password pair or user is disabled.');

/** `ERR wrong number of arguments for '<name>' command` (name as Redis's fullname: `config|get`). */
export function arityError(fullname: string): ErrorReply {
  return new ErrorReply(`ERR wrong number of arguments for '${fullname}' command`);
}

/** `ERR invalid expire time in '<name>' command`. */
export function expireTimeError(fullname: string): ErrorReply {
  return new ErrorReply(`ERR invalid expire time in '${fullname}' command`);
}

/** An `ERR <message>` reply. */
export function errorOf(message: string): ErrorReply {
  return new ErrorReply(`ERR ${message}`);
}

/** What C's `%.Ns` prints of `s`: at most `n` chars, and nothing from a NUL byte on. */
export function cString(s: string, n = Number.POSITIVE_INFINITY): string {
  const nul = s.indexOf('\0');
  return (nul < 0 ? s : s.slice(0, nul)).slice(0, n);
}
