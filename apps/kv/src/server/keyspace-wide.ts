// The read-only commands that look at every core, answered as one Redis would: SCAN walks the
// cores one after the other (the cursor encodes the core: `local * cores + core`), RANDOMKEY
// draws on every core, INFO adds up the cores' clients and keys, CLIENT LIST lists every core's
// connections. (FLUSHALL, FLUSHDB, DBSIZE and KEYS: fan-out.ts.)
import type { Session } from '../commands/context.js';
import { parseScan } from '../commands/scan-args.js';
import { encodeReply } from '../resp/encoder.js';
import { ErrorReply, RawReply, type Reply, VerbatimReply } from '../resp/reply.js';
import { type ParsedReply, ReplyParser } from '../resp/reply-parser.js';
import type { Dispatcher } from './dispatcher.js';

type Across = (argv: string[], session: Session, cores: readonly Dispatcher[], self: number) => Promise<Reply>;

/** A reply as parsed RESP, whether local (a Reply) or forwarded (bytes). */
async function parsed(reply: Reply | Promise<Reply>, session: Session): Promise<ParsedReply> {
  const r = await reply;
  const parser = new ReplyParser();
  parser.feed(r instanceof RawReply ? r.bytes : encodeReply(r, session.protocol));
  const framed = parser.next();
  if (framed === null) throw new Error('corelane-kv: a core answered an incomplete reply');
  return framed.reply;
}

/** The text of a bulk or verbatim reply (`=` carries `txt:` first). */
function textOf(r: ParsedReply): string {
  if (r.type === '$') return r.value ?? '';
  if (r.type === '=') return (r.value ?? '').slice(4);
  throw new Error(`corelane-kv: a core answered ${r.type}, not text`);
}

function everyCore(argv: string[], session: Session, cores: readonly Dispatcher[]): Promise<ParsedReply[]> {
  return Promise.all(cores.map((core) => parsed(core.dispatch(argv, session).reply, session)));
}

const scan: Across = async (argv, session, cores, self) => {
  let count: number;
  try {
    count = parseScan(argv, 1, true).count;
  } catch (e) {
    if (e instanceof ErrorReply) return (cores[self] as Dispatcher).dispatch(argv, session).reply;
    throw e;
  }
  const n = BigInt(cores.length);
  const cursor = BigInt(argv[1] as string);
  let core = Number(cursor % n);
  let local = cursor / n;
  const keys: string[] = [];
  for (;;) {
    const step = ['SCAN', String(local), ...argv.slice(2)];
    const r = await parsed((cores[core] as Dispatcher).dispatch(step, session).reply, session);
    if (r.type === '-') return new ErrorReply(r.value);
    const [next, items] = r.value as [ParsedReply, ParsedReply];
    for (const item of (items.value as ParsedReply[] | null) ?? []) keys.push(textOf(item));
    const nextLocal = BigInt(textOf(next));
    if (nextLocal !== 0n) return [String(nextLocal * n + BigInt(core)), keys];
    // This core is done: go on with the next one, in the same call while the page has room.
    core++;
    if (core === cores.length) return ['0', keys];
    local = 0n;
    if (keys.length >= count) return [String(core), keys];
  }
};

const randomkey: Across = async (argv, session, cores) => {
  const replies = await everyCore(argv, session, cores);
  const error = replies.find((r) => r.type === '-');
  if (error !== undefined) return new ErrorReply(error.value as string);
  const keys = replies.filter((r) => r.type === '$' && r.value !== null).map(textOf);
  return keys.length === 0 ? null : (keys[Math.floor(Math.random() * keys.length)] as string);
};

/** The INFO fields that are sums over the cores. */
const SUMMED = new Set([
  'connected_clients',
  'blocked_clients',
  'total_connections_received',
  'total_commands_processed',
  'expired_keys',
]);

/** INFO of this core, with every core's clients, commands and keys added up. */
export function combineInfo(texts: readonly string[], self: number): string {
  const sums = new Map<string, number>();
  let keys = 0;
  let expires = 0;
  for (const text of texts) {
    for (const line of text.split('\r\n')) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon);
      if (SUMMED.has(name)) sums.set(name, (sums.get(name) ?? 0) + Number(line.slice(colon + 1)));
      const db = /^db0:keys=(\d+),expires=(\d+)/.exec(line);
      if (db !== null) {
        keys += Number(db[1]);
        expires += Number(db[2]);
      }
    }
  }
  const out: string[] = [];
  for (const line of (texts[self] as string).split('\r\n')) {
    if (line.startsWith('db0:')) continue;
    const name = line.slice(0, line.indexOf(':'));
    out.push(sums.has(name) ? `${name}:${sums.get(name)}` : line);
    if (line === '# Keyspace' && keys > 0) out.push(`db0:keys=${keys},expires=${expires},avg_ttl=0`);
  }
  return out.join('\r\n');
}

const info: Across = async (argv, session, cores, self) => {
  const replies = await everyCore(argv, session, cores);
  const error = replies.find((r) => r.type === '-');
  if (error !== undefined) return new ErrorReply(error.value as string);
  return new VerbatimReply('txt', combineInfo(replies.map(textOf), self));
};

const clientList: Across = async (argv, session, cores) => {
  const replies = await everyCore(argv, session, cores);
  const error = replies.find((r) => r.type === '-');
  if (error !== undefined) return new ErrorReply(error.value as string);
  const id = (line: string) => Number(/^id=(\d+)/.exec(line)?.[1] ?? 0);
  const lines = replies.flatMap((r) =>
    textOf(r)
      .split('\n')
      .filter((l) => l.length > 0),
  );
  lines.sort((a, b) => id(a) - id(b));
  return new VerbatimReply('txt', lines.map((l) => `${l}\n`).join(''));
};

/** The cross-core form of `argv`, when it is one of these commands. */
export function acrossCores(argv: readonly string[]): Across | null {
  const name = (argv[0] as string).toLowerCase();
  if (name === 'scan' && argv.length >= 2) return scan;
  if (name === 'randomkey' && argv.length === 1) return randomkey;
  if (name === 'info') return info;
  if (name === 'client' && argv.length >= 2 && (argv[1] as string).toLowerCase() === 'list') return clientList;
  return null;
}
