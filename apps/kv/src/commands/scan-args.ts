// The arguments SCAN, SSCAN and HSCAN share (Redis's scanGenericCommand()).
import { ErrorReply } from '../resp/reply.js';
import { globMatch } from '../store/glob.js';
import { is, longArg } from './args.js';
import { SYNTAX } from './errors.js';

export interface ScanOptions {
  cursor: number;
  count: number;
  match: ((s: string) => boolean) | null;
  type: string | null;
}

const INVALID_CURSOR = new ErrorReply('ERR invalid cursor');
const ULONG_MAX = 0xffff_ffff_ffff_ffffn;

/**
 * A cursor as Redis 7.0 reads it (strtoul, base 10): digits with an optional sign, a negative
 * one wrapping modulo 2^64 (`-1` is 2^64 - 1), a magnitude past 2^64 - 1 (ERANGE), a leading
 * space or any other character refused.
 */
function parseCursor(raw: string): bigint {
  const m = /^([+-]?)(\d+)$/.exec(raw);
  if (m === null || (m[2] as string).replace(/^0+/, '').length > 20) throw INVALID_CURSOR;
  const magnitude = BigInt(m[2] as string);
  if (magnitude > ULONG_MAX) throw INVALID_CURSOR;
  return m[1] === '-' ? (ULONG_MAX + 1n - magnitude) & ULONG_MAX : magnitude;
}

/** Parses `cursor [MATCH pattern] [COUNT n] [TYPE t]` from `argv[at]` on; TYPE only for SCAN. */
export function parseScan(argv: string[], at: number, allowType: boolean): ScanOptions {
  const cursor = Number(parseCursor(argv[at] as string));
  let count = 10;
  let match: ((s: string) => boolean) | null = null;
  let type: string | null = null;
  let i = at + 1;
  while (i < argv.length) {
    const left = argv.length - i;
    const opt = argv[i] as string;
    if (is(opt, 'count') && left >= 2) {
      count = longArg(argv[i + 1] as string);
      if (count < 1) throw SYNTAX;
      i += 2;
    } else if (is(opt, 'match') && left >= 2) {
      const pattern = argv[i + 1] as string;
      match = pattern === '*' ? null : (s) => globMatch(pattern, s);
      i += 2;
    } else if (is(opt, 'type') && allowType && left >= 2) {
      type = (argv[i + 1] as string).toLowerCase();
      i += 2;
    } else {
      throw SYNTAX;
    }
  }
  return { cursor, count, match, type };
}
