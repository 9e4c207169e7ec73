// Incremental parser of replies (what a server sends): every RESP2 and RESP3 type. The tests
// use it to frame the replies of corelane-kv and redis-server and compare their bytes; the
// runtime uses it to read the replies another core forwards.

/** A parsed reply: `type` is its RESP type byte; strings are latin1 (one char per byte). */
export type ParsedReply =
  | { type: '+' | '-' | '(' | ','; value: string }
  | { type: '$' | '='; value: string | null }
  | { type: ':'; value: bigint }
  | { type: '#'; value: boolean }
  | { type: '_'; value: null }
  | { type: '*' | '~' | '>'; value: ParsedReply[] | null }
  | { type: '%' | '|'; value: ParsedReply[] };

/** A reply with the exact bytes it was read from. */
export interface FramedReply {
  reply: ParsedReply;
  raw: Buffer;
}

/** Thrown when bytes are not RESP at all. */
export class ReplySyntaxError extends Error {}

const NEED_MORE = Symbol('need more');

/** Feed bytes with {@link ReplyParser.feed}; take complete replies out with {@link ReplyParser.next}. */
export class ReplyParser {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;

  /** Adds received bytes. */
  feed(chunk: Buffer): void {
    this.buf = this.pos >= this.buf.length ? chunk : Buffer.concat([this.buf.subarray(this.pos), chunk]);
    this.pos = 0;
  }

  /** The next complete reply with its raw bytes, or `null` when more bytes are needed. */
  next(): FramedReply | null {
    const start = this.pos;
    const reply = this.parse();
    if (reply === NEED_MORE) {
      this.pos = start;
      return null;
    }
    return { reply, raw: this.buf.subarray(start, this.pos) };
  }

  private line(): string | typeof NEED_MORE {
    const cr = this.buf.indexOf('\r\n', this.pos, 'latin1');
    if (cr < 0) return NEED_MORE;
    const s = this.buf.toString('latin1', this.pos, cr);
    this.pos = cr + 2;
    return s;
  }

  private parse(): ParsedReply | typeof NEED_MORE {
    if (this.pos >= this.buf.length) return NEED_MORE;
    const type = String.fromCharCode(this.buf[this.pos] as number);
    this.pos++;
    const head = this.line();
    if (head === NEED_MORE) return NEED_MORE;
    switch (type) {
      case '+':
      case '-':
      case '(':
      case ',':
        return { type, value: head };
      case ':':
        return { type, value: BigInt(head) };
      case '#':
        return { type, value: head === 't' };
      case '_':
        return { type, value: null };
      case '$':
      case '=': {
        const n = Number(head);
        if (n < 0) return { type, value: null };
        if (this.buf.length - this.pos < n + 2) return NEED_MORE;
        const value = this.buf.toString('latin1', this.pos, this.pos + n);
        this.pos += n + 2;
        return { type, value };
      }
      case '*':
      case '~':
      case '>':
      case '%':
      case '|': {
        const n = Number(head);
        if (n < 0 && (type === '*' || type === '~' || type === '>')) return { type, value: null };
        const count = type === '%' || type === '|' ? n * 2 : n;
        const items: ParsedReply[] = [];
        for (let i = 0; i < count; i++) {
          const item = this.parse();
          if (item === NEED_MORE) return NEED_MORE;
          items.push(item);
        }
        return { type, value: items } as ParsedReply;
      }
      default:
        throw new ReplySyntaxError(`not a RESP type byte: ${JSON.stringify(type)}`);
    }
  }
}
