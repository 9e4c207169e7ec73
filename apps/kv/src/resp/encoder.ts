// Writes replies as RESP2 or RESP3 bytes, exactly as Redis 7.0's addReply*() functions do.
import {
  BoolReply,
  ErrorReply,
  MapReply,
  NullArray,
  RawReply,
  type Reply,
  SetReply,
  SimpleString,
  VerbatimReply,
} from './reply.js';

/** The protocol version a connection speaks: 2 until `HELLO 3`. */
export type Protocol = 2 | 3;

/** Collects the bytes of many replies and hands them out as one Buffer. */
export class ReplyWriter {
  private buffers: Buffer[] = [];
  private pendingText = '';
  /** Bytes in `buffers`. */
  private buffered = 0;

  constructor(public protocol: Protocol = 2) {}

  /** Appends the encoding of `reply`. */
  write(reply: Reply): void {
    this.encode(reply);
  }

  /** Whether nothing is waiting. */
  get empty(): boolean {
    return this.pendingText.length === 0 && this.buffers.length === 0;
  }

  /** Bytes written since the last `take()` (replies are latin1: one byte per char of text). */
  get size(): number {
    return this.buffered + this.pendingText.length;
  }

  /** Takes everything written so far out as one Buffer. */
  take(): Buffer {
    this.flushText();
    const out = this.buffers.length === 1 ? (this.buffers[0] as Buffer) : Buffer.concat(this.buffers, this.buffered);
    this.buffers.length = 0; // the array is kept: a connection's writer takes once per flush
    this.buffered = 0;
    return out;
  }

  private text(s: string): void {
    this.pendingText += s;
    if (this.pendingText.length > 16384) this.flushText();
  }

  private flushText(): void {
    if (this.pendingText.length > 0) {
      this.buffers.push(Buffer.from(this.pendingText, 'latin1'));
      this.buffered += this.pendingText.length;
      this.pendingText = '';
    }
  }

  private encode(r: Reply): void {
    const resp3 = this.protocol === 3;
    if (typeof r === 'string') {
      this.text(`$${r.length}\r\n${r}\r\n`);
    } else if (typeof r === 'number' || typeof r === 'bigint') {
      this.text(`:${r}\r\n`);
    } else if (r === null) {
      this.text(resp3 ? '_\r\n' : '$-1\r\n');
    } else if (Array.isArray(r)) {
      this.text(`*${r.length}\r\n`);
      for (const item of r) this.encode(item);
    } else if (r instanceof SimpleString) {
      this.text(`+${r.value}\r\n`);
    } else if (r instanceof ErrorReply) {
      this.text(`-${r.message}\r\n`);
    } else if (r instanceof NullArray) {
      this.text(resp3 ? '_\r\n' : '*-1\r\n');
    } else if (r instanceof MapReply) {
      this.text(resp3 ? `%${r.entries.length / 2}\r\n` : `*${r.entries.length}\r\n`);
      for (const item of r.entries) this.encode(item);
    } else if (r instanceof SetReply) {
      this.text(resp3 ? `~${r.items.length}\r\n` : `*${r.items.length}\r\n`);
      for (const item of r.items) this.encode(item);
    } else if (r instanceof VerbatimReply) {
      if (resp3) this.text(`=${r.text.length + 4}\r\n${r.format}:${r.text}\r\n`);
      else this.text(`$${r.text.length}\r\n${r.text}\r\n`);
    } else if (r instanceof BoolReply) {
      if (resp3) this.text(r.value ? '#t\r\n' : '#f\r\n');
      else this.text(r.value ? ':1\r\n' : ':0\r\n');
    } else if (r instanceof RawReply) {
      this.flushText();
      this.buffers.push(r.bytes);
      this.buffered += r.bytes.length;
    }
  }
}

/** Encodes one reply for `protocol`. */
export function encodeReply(reply: Reply, protocol: Protocol = 2): Buffer {
  const w = new ReplyWriter(protocol);
  w.write(reply);
  return w.take();
}
