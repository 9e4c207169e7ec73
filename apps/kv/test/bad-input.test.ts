// Malformed RESP, oversized lengths, unbalanced inline quotes, unknown commands and wrong
// arities sent as raw bytes to redis-server 7.0 and to corelane-kv: the same bytes come back,
// the connection is closed (or kept) alike, and the server keeps serving other connections.
import { once } from 'node:events';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { bothServers, RawClient, startKv, startRedis } from './support/peers.js';

interface Exchange {
  reply: string;
  closed: boolean;
}

/** Sends `chunks` (one write each) and collects what comes back until close or 300 ms of silence after the last write. */
async function exchange(port: number, chunks: (string | Buffer)[]): Promise<Exchange> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const parts: Buffer[] = [];
  let closed = false;
  let last = Date.now();
  socket.on('data', (d) => {
    parts.push(d);
    last = Date.now();
  });
  socket.on('close', () => {
    closed = true;
  });
  socket.on('error', () => {});
  for (const chunk of chunks) {
    socket.write(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
    await new Promise((r) => setTimeout(r, 2));
  }
  // Silence counts from the last write, not from the connect: a command sent in 25 pieces gets
  // its reply only after the last one, and on a loaded machine the writes alone took over 300 ms.
  last = Math.max(last, Date.now());
  const deadline = Date.now() + 5000;
  while (!closed && Date.now() - last < 300 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  socket.destroy();
  return { reply: Buffer.concat(parts).toString('latin1'), closed };
}

const big = 'x'.repeat(70 * 1024);

const payloads: Record<string, (string | Buffer)[]> = {
  'multibulk length not a number': ['*abc\r\n'],
  'multibulk length above INT_MAX': ['*3000000000\r\n'],
  'bulk length not a number': ['*1\r\n$abc\r\n'],
  'negative bulk length': ['*1\r\n$-5\r\n'],
  'bulk length past proto-max-bulk-len': ['*1\r\n$536870913\r\n'],
  'a simple string where a bulk belongs': ['*1\r\n+PING\r\n'],
  'an empty multibulk and a negative one are ignored': ['*0\r\n*-1\r\nPING\r\n'],
  'the two bytes after a bulk are not checked': ['*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n'],
  'inline commands, quotes and escapes': [
    'PING\r\nSET a "b c"\r\nGET a\r\nSET b \'it\\\'s\'\r\nGET b\r\nECHO "\\x41\\n"\r\n',
  ],
  'inline with LF only and empty lines': ['PING\n\r\n\nECHO hi\n'],
  'unbalanced quotes': ['SET a "unbalanced\r\n'],
  'a closing quote followed by a letter': ['GET "a"b\r\n'],
  'unknown command inline': ['FOO bar baz\r\n'],
  'wrong arity inline': ['GET\r\nGET a b\r\n'],
  'replies before a protocol error come first': ['PING\r\n*1\r\n$4\r\nPING\r\n*x\r\nPING\r\n'],
  'too big inline request': [big],
  'too big multibulk count string': [`*${'1'.repeat(70 * 1024)}`],
  'too big bulk count string': [`*1\r\n$${'1'.repeat(70 * 1024)}`],
  'a command split byte by byte': [...'*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n'],
  'a bulk split across writes': ['*2\r\n$4\r\nECHO\r\n$10\r\n01234', '56789\r\n'],
  'QUIT closes after its reply, later commands are not run': ['PING\r\nQUIT\r\nPING\r\n'],
};

describe('bad input: malformed requests get the bytes Redis sends and the same connection handling', () => {
  const peers = bothServers();

  for (const [name, chunks] of Object.entries(payloads)) {
    it(name, async () => {
      const [theirs, ours] = await Promise.all([exchange(peers.redis.port, chunks), exchange(peers.kv.port, chunks)]);
      expect(ours.reply).toBe(theirs.reply);
      expect(ours.closed).toBe(theirs.closed);
      // The server is unharmed: a new connection is served.
      const c = await RawClient.connect(peers.kv.port);
      const [pong] = await c.pipeline([['PING']]);
      expect(pong?.raw.toString()).toBe('+PONG\r\n');
      c.close();
    });
  }

  it('a password-protected server refuses large unauthenticated requests as Redis does', async () => {
    const locked = await startRedis(['--requirepass', 'pw']);
    const ours = await startKv({ requirepass: 'pw' });
    try {
      for (const chunks of [
        ['GET a\r\n'],
        [`*11\r\n${'$1\r\na\r\n'.repeat(11)}`],
        ['*2\r\n$3\r\nGET\r\n$20000\r\n'],
        ['AUTH wrong\r\nAUTH pw\r\nGET a\r\nAUTH default pw\r\nHELLO 3 AUTH default bad\r\n'],
        ['HELLO 3\r\n'],
      ]) {
        const [a, b] = await Promise.all([exchange(locked.port, chunks), exchange(ours.port, chunks)]);
        expect(b.reply).toBe(a.reply);
        expect(b.closed).toBe(a.closed);
      }
    } finally {
      await locked.stop();
      await ours.close();
    }
  });
});
