// The RESP layer alone: requests split at any byte boundary parse to the same commands, limits
// hold, and replies encode per protocol version and parse back.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeReply } from '../src/resp/encoder.js';
import {
  BoolReply,
  ErrorReply,
  MapReply,
  NullArray,
  type Reply,
  SetReply,
  SimpleString,
  VerbatimReply,
} from '../src/resp/reply.js';
import { ReplyParser } from '../src/resp/reply-parser.js';
import { ProtocolError, RequestParser } from '../src/resp/request-parser.js';
import { splitArgs } from '../src/resp/split-args.js';
import { encodeCommand } from './support/peers.js';

const binary = fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString('latin1'));

function parseAll(parser: RequestParser): (string[] | ProtocolError)[] {
  const out: (string[] | ProtocolError)[] = [];
  for (let r = parser.next(); r !== null; r = parser.next()) {
    out.push(r);
    if (r instanceof ProtocolError) break;
  }
  return out;
}

describe('RequestParser', () => {
  it('parses pipelined binary commands split at any byte boundaries (300 runs)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(binary, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 10 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (commands, cuts) => {
          const bytes = Buffer.concat(commands.map(encodeCommand));
          const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const parser = new RequestParser();
          const out: (string[] | ProtocolError)[] = [];
          let from = 0;
          for (const p of [...points, bytes.length]) {
            parser.feed(bytes.subarray(from, p));
            from = p;
            out.push(...parseAll(parser));
          }
          expect(out).toEqual(commands);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('holds a large bulk back without re-parsing until it is complete', () => {
    const parser = new RequestParser();
    const value = 'v'.repeat(1_000_000);
    const bytes = encodeCommand(['SET', 'k', value]);
    for (let i = 0; i < bytes.length; i += 65536) {
      parser.feed(bytes.subarray(i, Math.min(bytes.length, i + 65536)));
      if (i + 65536 < bytes.length) expect(parser.next()).toBeNull();
    }
    expect(parser.next()).toEqual(['SET', 'k', value]);
    expect(parser.next()).toBeNull();
    expect(parser.bufferedBytes).toBe(0);
  });

  it('stops at the first protocol error and reports it every time after', () => {
    const parser = new RequestParser({ maxBulkBytes: 10 });
    parser.feed(Buffer.from('*1\r\n$4\r\nPING\r\n*1\r\n$11\r\n', 'latin1'));
    expect(parser.next()).toEqual(['PING']);
    const error = parser.next();
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).message).toBe('Protocol error: invalid bulk length');
    parser.feed(Buffer.from('PING\r\n'));
    expect(parser.next()).toBe(error);
  });

  it('splits inline lines as sdssplitargs does', () => {
    expect(splitArgs('SET k "a b"')).toEqual(['SET', 'k', 'a b']);
    expect(splitArgs("SET k 'it\\'s'")).toEqual(['SET', 'k', "it's"]);
    expect(splitArgs('ECHO "\\x41\\x4a\\n\\t"')).toEqual(['ECHO', 'AJ\n\t']);
    expect(splitArgs('  many   spaces  ')).toEqual(['many', 'spaces']);
    expect(splitArgs('"unbalanced')).toBeNull();
    expect(splitArgs('"a"b')).toBeNull();
    expect(splitArgs('')).toEqual([]);
  });
});

describe('reply encoding', () => {
  const cases: [Reply, string, string][] = [
    [new SimpleString('OK'), '+OK\r\n', '+OK\r\n'],
    [new ErrorReply('ERR x'), '-ERR x\r\n', '-ERR x\r\n'],
    [42, ':42\r\n', ':42\r\n'],
    [-(2n ** 63n), ':-9223372036854775808\r\n', ':-9223372036854775808\r\n'],
    ['h\xe9', '$2\r\nh\xe9\r\n', '$2\r\nh\xe9\r\n'],
    [null, '$-1\r\n', '_\r\n'],
    [NullArray.instance, '*-1\r\n', '_\r\n'],
    [['a', 1, null], '*3\r\n$1\r\na\r\n:1\r\n$-1\r\n', '*3\r\n$1\r\na\r\n:1\r\n_\r\n'],
    [new MapReply(['f', 'v']), '*2\r\n$1\r\nf\r\n$1\r\nv\r\n', '%1\r\n$1\r\nf\r\n$1\r\nv\r\n'],
    [new SetReply(['m']), '*1\r\n$1\r\nm\r\n', '~1\r\n$1\r\nm\r\n'],
    [new VerbatimReply('txt', 'hi'), '$2\r\nhi\r\n', '=6\r\ntxt:hi\r\n'],
    [new BoolReply(true), ':1\r\n', '#t\r\n'],
  ];
  it.each(cases)('%o: RESP2 and RESP3 bytes', (reply, resp2, resp3) => {
    expect(encodeReply(reply, 2).toString('latin1')).toBe(resp2);
    expect(encodeReply(reply, 3).toString('latin1')).toBe(resp3);
  });

  it('ReplyParser frames every encoding, byte by byte, with its exact bytes', () => {
    for (const [reply, resp2, resp3] of cases) {
      for (const expected of [resp2, resp3]) {
        const parser = new ReplyParser();
        const bytes = encodeReply(reply, expected === resp2 ? 2 : 3);
        let framed = null;
        for (let i = 0; i < bytes.length; i++) {
          expect(framed).toBeNull();
          parser.feed(bytes.subarray(i, i + 1));
          framed = parser.next();
        }
        expect(framed?.raw.toString('latin1')).toBe(expected);
      }
    }
  });
});
