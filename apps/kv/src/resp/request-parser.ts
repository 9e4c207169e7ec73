// Incremental parser of what clients send: RESP multibulk arrays of bulk strings (every client
// library) and inline lines (redis-cli's and telnet's `PING\r\n`), as Redis 7.0's
// processMultibulkBuffer()/processInlineBuffer() read them, limits and error texts included.
//
// Arguments come out as latin1 strings: one char per byte, so any binary key or value survives
// and `length` is the byte length Redis reports.
import { splitArgs } from './split-args.js';

/** Redis's PROTO_INLINE_MAX_SIZE: the longest inline line or length line it buffers. */
export const INLINE_MAX_BYTES = 64 * 1024;
/** Redis's proto-max-bulk-len default: the largest bulk argument (512 MiB). */
export const DEFAULT_MAX_BULK_BYTES = 512 * 1024 * 1024;
const INT_MAX = 0x7fff_ffff;
/** Above these a connection that still has to AUTH is refused, as Redis does. */
const UNAUTH_MAX_ARGS = 10;
const UNAUTH_MAX_BULK = 16384;

const CR = 0x0d;
const LF = 0x0a;

/** Options of a {@link RequestParser}. */
export interface RequestParserOptions {
  /** The largest bulk argument, in bytes (Redis's `proto-max-bulk-len`). */
  maxBulkBytes?: number;
  /** Whether the connection still has to authenticate (tighter limits apply, as in Redis). */
  authRequired?: () => boolean;
}

/**
 * A protocol error: the client gets `-ERR <message>` and the connection is closed after the
 * replies already due, as Redis does.
 */
export class ProtocolError {
  /** `message` is the text after `ERR `, e.g. `Protocol error: invalid bulk length`. */
  constructor(readonly message: string) {}
}

/** Parses an integer the way Redis's string2ll() does: strict, no sign '+', no leading zeros. */
export function parseStrictInt(buf: Buffer, start: number, end: number): number | null {
  const len = end - start;
  if (len === 0 || len > 20) return null;
  let p = start;
  let negative = false;
  if (len === 1 && buf[p] === 0x30) return 0;
  if (buf[p] === 0x2d) {
    negative = true;
    p++;
    if (p === end) return null;
  }
  const first = buf[p] as number;
  if (first < 0x31 || first > 0x39) return null;
  let value = 0;
  for (; p < end; p++) {
    const c = buf[p] as number;
    if (c < 0x30 || c > 0x39) return null;
    value = value * 10 + (c - 0x30);
  }
  // Lengths here only matter up to INT_MAX / 512 MiB; a float above 2^53 is still "too big".
  return negative ? -value : value;
}

/**
 * Feed it the bytes of one connection, in whatever chunks they arrive; take commands out with
 * {@link RequestParser.next} until it returns `null` (more bytes needed). A {@link ProtocolError}
 * ends the stream: nothing after it is parsed.
 */
export class RequestParser {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  /** Chunks held back while a large bulk argument is still incomplete (avoids re-copying). */
  private held: Buffer[] = [];
  private heldBytes = 0;
  private need = 0;
  private multibulk = 0;
  private bulk = -1;
  private args: string[] = [];
  private failed: ProtocolError | null = null;
  private readonly maxBulk: number;
  private readonly authRequired: () => boolean;

  constructor(options: RequestParserOptions = {}) {
    this.maxBulk = options.maxBulkBytes ?? DEFAULT_MAX_BULK_BYTES;
    this.authRequired = options.authRequired ?? (() => false);
  }

  /** Adds received bytes. */
  feed(chunk: Buffer): void {
    if (this.failed) return;
    if (this.need > 0 && this.heldBytes + chunk.length + (this.buf.length - this.pos) < this.need) {
      this.held.push(chunk);
      this.heldBytes += chunk.length;
      return;
    }
    const rest = this.buf.length - this.pos;
    if (rest === 0 && this.held.length === 0) {
      this.buf = chunk;
    } else {
      this.buf = Buffer.concat([this.buf.subarray(this.pos), ...this.held, chunk]);
      this.held = [];
      this.heldBytes = 0;
    }
    this.pos = 0;
    this.need = 0;
  }

  /** Bytes received and not yet consumed by a complete command. */
  get bufferedBytes(): number {
    return this.buf.length - this.pos + this.heldBytes;
  }

  /** The next complete command, a protocol error (final), or `null` when more bytes are needed. */
  next(): string[] | ProtocolError | null {
    if (this.failed) return this.failed;
    for (;;) {
      if (this.held.length > 0) return null;
      if (this.multibulk === 0 && this.pos >= this.buf.length) return null;
      const result = this.multibulk > 0 || this.buf[this.pos] === 0x2a ? this.parseMultibulk() : this.parseInline();
      if (result === undefined) continue; // an empty command: Redis ignores it
      if (result instanceof ProtocolError) this.failed = result;
      return result;
    }
  }

  private fail(message: string): ProtocolError {
    return new ProtocolError(`Protocol error: ${message}`);
  }

  private parseInline(): string[] | ProtocolError | null | undefined {
    const buf = this.buf;
    const nl = buf.indexOf(LF, this.pos);
    if (nl < 0) {
      if (buf.length - this.pos > INLINE_MAX_BYTES) return this.fail('too big inline request');
      return null;
    }
    let end = nl;
    if (end !== this.pos && buf[end - 1] === CR) end--;
    const argv = splitArgs(buf.toString('latin1', this.pos, end));
    if (argv === null) return this.fail('unbalanced quotes in request');
    this.pos = nl + 1;
    return argv.length === 0 ? undefined : argv;
  }

  private parseMultibulk(): string[] | ProtocolError | null | undefined {
    const buf = this.buf;
    if (this.multibulk === 0) {
      const cr = buf.indexOf(CR, this.pos);
      if (cr < 0) {
        if (buf.length - this.pos > INLINE_MAX_BYTES) return this.fail('too big mbulk count string');
        return null;
      }
      if (cr > buf.length - 2) return null;
      const count = parseStrictInt(buf, this.pos + 1, cr);
      if (count === null || count > INT_MAX) return this.fail('invalid multibulk length');
      if (count > UNAUTH_MAX_ARGS && this.authRequired()) return this.fail('unauthenticated multibulk length');
      this.pos = cr + 2;
      if (count <= 0) return undefined;
      this.multibulk = count;
      this.args = [];
    }
    while (this.multibulk > 0) {
      if (this.bulk === -1) {
        const cr = buf.indexOf(CR, this.pos);
        if (cr < 0) {
          if (buf.length - this.pos > INLINE_MAX_BYTES) return this.fail('too big bulk count string');
          return null;
        }
        if (cr > buf.length - 2) return null;
        if (buf[this.pos] !== 0x24) {
          return this.fail(`expected '$', got '${String.fromCharCode(buf[this.pos] as number)}'`);
        }
        const len = parseStrictInt(buf, this.pos + 1, cr);
        if (len === null || len < 0 || len > this.maxBulk) return this.fail('invalid bulk length');
        if (len > UNAUTH_MAX_BULK && this.authRequired()) return this.fail('unauthenticated bulk length');
        this.pos = cr + 2;
        this.bulk = len;
      }
      if (buf.length - this.pos < this.bulk + 2) {
        this.need = this.bulk + 2;
        return null;
      }
      // Like Redis, the two bytes after a bulk are skipped without looking at them.
      this.args.push(buf.toString('latin1', this.pos, this.pos + this.bulk));
      this.pos += this.bulk + 2;
      this.bulk = -1;
      this.multibulk--;
    }
    const argv = this.args;
    this.args = [];
    return argv;
  }
}
