// Keyspace-wide commands over every core: FLUSHALL and FLUSHDB empty each core's shard, DBSIZE
// sums the cores' counts, KEYS joins their matches. Each core answers for the keys it owns; the
// replies are combined here. On the runtime they run as one cross-core command, each core's whole
// keyspace locked in core order (CrossCore.everyCore): atomic, as one Redis's.
import { lookupCommand } from '../commands/table.js';
import type { Protocol } from '../resp/encoder.js';
import { encodeReply } from '../resp/encoder.js';
import { ErrorReply, RawReply, type Reply } from '../resp/reply.js';

/**
 * The commands run on every core, and how their replies combine (a container command by
 * `name|subcommand`). CONFIG SET: each core has its own server and settings (requirepass is
 * checked by the core that accepted the connection), so every core applies it.
 */
const COMBINE: Record<string, (replies: Reply[], protocol: Protocol) => Reply> = {
  flushall: (replies) => firstError(replies) ?? (replies[0] as Reply),
  flushdb: (replies) => firstError(replies) ?? (replies[0] as Reply),
  dbsize: (replies) => firstError(replies) ?? replies.reduce<number>((n, r) => n + integerOf(r), 0),
  keys: (replies, protocol) => firstError(replies) ?? joinArrays(replies, protocol),
  'config|set': (replies) => firstError(replies) ?? (replies[0] as Reply),
};

/** `argv`'s entry in COMBINE: the command table's full name (`config|set` for a subcommand). */
function fanOutName(argv: readonly string[]): string {
  return lookupCommand(argv)?.fullname ?? '';
}

/** Whether `argv` is a command every core must run. */
export function fansOut(argv: readonly string[]): boolean {
  return Object.hasOwn(COMBINE, fanOutName(argv));
}

/** Runs `argv`'s combination over the cores' replies. */
export async function combine(
  argv: readonly string[],
  replies: readonly (Reply | Promise<Reply>)[],
  protocol: Protocol,
): Promise<Reply> {
  const combineFn = COMBINE[fanOutName(argv)] as (replies: Reply[], protocol: Protocol) => Reply;
  return combineFn(await Promise.all(replies), protocol);
}

function bytesOf(reply: Reply): Buffer | null {
  return reply instanceof RawReply ? reply.bytes : null;
}

function firstError(replies: Reply[]): Reply | undefined {
  return replies.find((r) => r instanceof ErrorReply || bytesOf(r)?.[0] === 0x2d /* - */);
}

/** An integer reply, local (`number`) or encoded (`:N\r\n`). */
function integerOf(reply: Reply): number {
  if (typeof reply === 'number') return reply;
  const bytes = bytesOf(reply);
  if (bytes !== null && bytes[0] === 0x3a /* : */) return Number(bytes.toString('latin1', 1, bytes.length - 2));
  throw new Error('corelane-kv: a core answered DBSIZE with something other than an integer');
}

/** One array of every element of the replies (each `*N\r\n…` once encoded). */
function joinArrays(replies: Reply[], protocol: Protocol): Reply {
  let total = 0;
  const bodies: Buffer[] = [];
  for (const r of replies) {
    const bytes = bytesOf(r) ?? encodeReply(r, protocol);
    const eol = bytes.indexOf('\r\n');
    total += Number(bytes.toString('latin1', 1, eol));
    bodies.push(bytes.subarray(eol + 2));
  }
  return new RawReply(Buffer.concat([Buffer.from(`*${total}\r\n`, 'latin1'), ...bodies]));
}
