// What a command answers, before it is written for a protocol version. A plain `string` is a
// bulk string (latin1: one char per byte), a `number`/`bigint` an integer, `null` the null bulk
// string, an array an array; the classes below are the replies whose bytes differ between RESP2
// and RESP3 (or that no plain value can stand for).

/** `+OK`: a status reply. */
export class SimpleString {
  constructor(readonly value: string) {}
}

/** `-ERR …`: `message` starts with the error code (`ERR`, `WRONGTYPE`, `NOAUTH`, …). */
export class ErrorReply {
  constructor(readonly message: string) {}
}

/** RESP2 `*-1`, RESP3 `_`: the "null array" some commands answer (BLPOP timing out, LPOP key 2 on no key). */
export class NullArray {
  static readonly instance = new NullArray();
  private constructor() {}
}

/** RESP3 `%`: a map; RESP2 writes it as a flat array of key, value, key, value… */
export class MapReply {
  constructor(readonly entries: Reply[]) {}
}

/** RESP3 `~`: a set; RESP2 writes it as an array. */
export class SetReply {
  constructor(readonly items: Reply[]) {}
}

/** RESP3 `=`: verbatim text (INFO, CLIENT LIST); RESP2 writes it as a bulk string. */
export class VerbatimReply {
  constructor(
    readonly format: string,
    readonly text: string,
  ) {}
}

/** RESP3 `#t`/`#f`; RESP2 writes 1 or 0. */
export class BoolReply {
  constructor(readonly value: boolean) {}
}

/** Bytes already encoded (shared between protocol versions), written as they are. */
export class RawReply {
  constructor(readonly bytes: Buffer) {}
}

/** Any reply a command can give. */
export type Reply =
  | string
  | number
  | bigint
  | null
  | Reply[]
  | SimpleString
  | ErrorReply
  | NullArray
  | MapReply
  | SetReply
  | VerbatimReply
  | BoolReply
  | RawReply;

/** `+OK`. */
export const OK = new SimpleString('OK');
/** `+PONG`. */
export const PONG = new SimpleString('PONG');

/** An `ErrorReply` with the `ERR` code. */
export function err(message: string): ErrorReply {
  return new ErrorReply(`ERR ${message}`);
}
