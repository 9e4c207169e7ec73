// How two replies are compared: byte for byte, or, for replies whose order Redis leaves to its
// hash table (KEYS, SMEMBERS of a hash-table set, SINTER…) as multisets.
import type { FramedReply, ParsedReply } from '../../src/resp/reply-parser.js';

/** The commands whose reply order is the hash table's: compared as unordered collections. */
export const UNORDERED = new Set(['keys', 'smembers', 'sinter', 'sunion', 'sdiff', 'srandmember', 'spop']);

function canonical(r: ParsedReply, unordered: boolean): string {
  if (Array.isArray(r.value)) {
    const items = r.value.map((x) => canonical(x, false));
    if (unordered) items.sort();
    return `${r.type}[${items.join(',')}]`;
  }
  return `${r.type}${JSON.stringify(typeof r.value === 'bigint' ? r.value.toString() : r.value)}`;
}

/** HSCAN's flat field, value list as one item per pair, so pairs stay together when sorted. */
function pairs(r: ParsedReply, paired: boolean): ParsedReply {
  if (!paired || !Array.isArray(r.value)) return r;
  const out: ParsedReply[] = [];
  for (let i = 0; i < r.value.length; i += 2) out.push({ type: '*', value: r.value.slice(i, i + 2) });
  return { type: '*', value: out };
}

/** Replies that read the clock. */
const TIMED = new Set(['ttl', 'pttl', 'expiretime', 'pexpiretime']);

/**
 * Whether `ours` equals `theirs` for command `argv`: exact bytes, or unordered where Redis's
 * order is a hash table's. `queued`: for EXEC, the commands its transaction queued (each
 * element of its reply is then compared as that command's reply).
 */
export function sameReply(
  argv: readonly string[],
  ours: FramedReply,
  theirs: FramedReply,
  queued: readonly (readonly string[])[] | null = null,
): boolean {
  return ours.raw.equals(theirs.raw) || sameParsed(argv, ours.reply, theirs.reply, queued);
}

/** {@link sameReply}'s rules once the bytes differ (or, inside an EXEC, for parsed replies). */
function sameParsed(
  argv: readonly string[],
  ours: ParsedReply,
  theirs: ParsedReply,
  queued: readonly (readonly string[])[] | null,
): boolean {
  const name = (argv[0] as string).toLowerCase();
  if (name === 'exec' && queued !== null) {
    // The elements of a transaction's reply, each by the rules of its command.
    const a = ours.value;
    const b = theirs.value;
    if (ours.type !== theirs.type || !Array.isArray(a) || !Array.isArray(b)) return false;
    if (a.length !== queued.length || b.length !== queued.length) return false;
    return queued.every((q, i) => {
      const [x, y] = [a[i] as ParsedReply, b[i] as ParsedReply];
      return canonical(x, false) === canonical(y, false) || sameParsed(q, x, y, null);
    });
  }
  if (TIMED.has(name)) {
    // After a relative expiry the two servers' clocks, read a moment apart, show: equal when
    // negative (no key, no expiry), close otherwise.
    if (ours.type !== ':' || theirs.type !== ':') return false;
    const a = ours.value;
    const b = theirs.value;
    if (a < 0n || b < 0n) return a === b;
    const d = a > b ? a - b : b - a;
    return d <= (name === 'ttl' || name === 'expiretime' ? 1n : 2000n);
  }
  if (name === 'sscan' || name === 'hscan' || name === 'scan') {
    // The cursor must agree (0 = done); the elements of a step come in hash-table order.
    const a = ours.value as ParsedReply[];
    const b = theirs.value as ParsedReply[];
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== 2 || b.length !== 2) return false;
    if (canonical(a[0] as ParsedReply, false) !== canonical(b[0] as ParsedReply, false)) return false;
    return (
      canonical(pairs(a[1] as ParsedReply, name === 'hscan'), true) ===
      canonical(pairs(b[1] as ParsedReply, name === 'hscan'), true)
    );
  }
  if (UNORDERED.has(name)) return canonical(ours, true) === canonical(theirs, true);
  return false;
}

/** A readable form of a reply for failure messages. */
export function show(r: FramedReply): string {
  return JSON.stringify(r.raw.toString('latin1'));
}
