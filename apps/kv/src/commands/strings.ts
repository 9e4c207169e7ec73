// String commands (Redis's t_string.c and bitops.c): replies, error texts and the order of
// checks as in Redis 7.0, and the records they log (relative expiries made absolute).
import { OK, type Reply } from '../resp/reply.js';
import { type StringValue, stringValue } from '../store/values.js';
import { INT64_MAX, INT64_MIN, int64Arg, longArg, parseInt64, parseLong } from './args.js';
import type { ExecContext } from './context.js';
import {
  arityError,
  errorOf,
  expireTimeError,
  NAN_OR_INFINITY,
  NOT_FLOAT,
  NOT_INTEGER,
  OVERFLOW,
  STRING_TOO_LONG,
  SYNTAX,
} from './errors.js';
import { addLongDouble, formatLongDouble, parseLongDouble } from './long-double.js';
import { getString } from './lookup.js';
import { type CommandSpec, command } from './spec.js';

const SET_NX = 1;
const SET_XX = 2;
const SET_GET = 4;
const SET_KEEPTTL = 8;
const SET_EX = 16;
const SET_PX = 32;
const SET_EXAT = 64;
const SET_PXAT = 128;
const SET_PERSIST = 256;
const ANY_EXPIRE = SET_EX | SET_PX | SET_EXAT | SET_PXAT;
const EXPIRE_OPTIONS: Record<string, number> = { ex: SET_EX, px: SET_PX, exat: SET_EXAT, pxat: SET_PXAT };

interface StringOptions {
  flags: number;
  /** The EX/PX/EXAT/PXAT argument, not yet validated (Redis checks it later than the syntax). */
  expire: string | null;
}

/** Redis's parseExtendedStringArgumentsOrReply() for SET (`forSet`) and GETEX. */
function parseStringOptions(argv: string[], from: number, forSet: boolean): StringOptions {
  let flags = 0;
  let expire: string | null = null;
  for (let j = from; j < argv.length; j++) {
    const opt = (argv[j] as string).toLowerCase();
    const next = j === argv.length - 1 ? null : (argv[j + 1] as string);
    if (opt === 'nx' && !(flags & SET_XX) && forSet) flags |= SET_NX;
    else if (opt === 'xx' && !(flags & SET_NX) && forSet) flags |= SET_XX;
    else if (opt === 'get' && forSet) flags |= SET_GET;
    else if (opt === 'keepttl' && !(flags & (SET_PERSIST | ANY_EXPIRE)) && forSet) flags |= SET_KEEPTTL;
    else if (opt === 'persist' && !forSet && !(flags & (ANY_EXPIRE | SET_KEEPTTL))) flags |= SET_PERSIST;
    else if (
      opt in EXPIRE_OPTIONS &&
      next !== null &&
      !(flags & (SET_KEEPTTL | SET_PERSIST | (ANY_EXPIRE & ~(EXPIRE_OPTIONS[opt] as number))))
    ) {
      // EX, PX, EXAT, PXAT exclude each other (the same one twice is fine: the last wins).
      flags |= EXPIRE_OPTIONS[opt] as number;
      expire = next;
      j++;
    } else {
      throw SYNTAX;
    }
  }
  return { flags, expire };
}

/** Redis's getExpireMillisecondsOrReply(): the absolute expiry in ms, or null when none was given. */
function expireAt(c: ExecContext, options: StringOptions, fullname: string): number | null {
  const { flags, expire } = options;
  let expireAtMs: number | null = null;
  if (expire !== null) {
    const seconds = (flags & (SET_EX | SET_EXAT)) !== 0;
    let ms = int64Arg(expire);
    if (ms <= 0n || (seconds && ms > INT64_MAX / 1000n)) throw expireTimeError(fullname);
    if (seconds) ms *= 1000n;
    if (flags & (SET_EX | SET_PX)) ms += BigInt(c.now);
    if (ms <= 0n || ms > INT64_MAX) throw expireTimeError(fullname);
    expireAtMs = Number(ms);
  }
  return expireAtMs;
}

/** The SET family's core (setGenericCommand); `okReply`/`abortReply` differ for SETNX. */
function setGeneric(
  c: ExecContext,
  key: string,
  value: string,
  options: StringOptions,
  fullname: string,
  okReply: Reply = OK,
  abortReply: Reply = null,
): Reply {
  const flags = options.flags;
  const expireAtMs = expireAt(c, options, fullname);
  let reply: Reply | undefined;
  if (flags & SET_GET) {
    const old = getString(c, key);
    reply = old === undefined ? null : old.value;
  }
  const found = c.db.has(key, c.now);
  if ((flags & SET_NX && found) || (flags & SET_XX && !found)) {
    return reply !== undefined ? reply : abortReply;
  }
  if (flags & SET_KEEPTTL) c.db.overwrite(key, stringValue(value));
  else c.db.set(key, stringValue(value));
  if (expireAtMs !== null) c.db.setExpire(key, expireAtMs);
  c.rewritten = true;
  if (expireAtMs !== null) c.log.push(['SET', key, value, 'PXAT', String(expireAtMs)]);
  else if (flags & SET_KEEPTTL) c.log.push(['SET', key, value, 'KEEPTTL']);
  else c.log.push(['SET', key, value]);
  return reply !== undefined ? reply : okReply;
}

function checkLength(c: ExecContext, total: number): void {
  if (total > c.maxBulkBytes) throw STRING_TOO_LONG;
}

/** |by| up to this, and a value of at most 15 digits: the sum is exact in a double, far from int64's ends. */
const SMALL_STEP = 2n ** 52n;

/** Stores the new text of a counter: in place (keeping the TTL) or as a new key. */
function storeText(c: ExecContext, key: string, old: StringValue | undefined, text: string): void {
  if (old !== undefined) {
    old.value = text;
    c.db.touch(key);
  } else {
    c.db.add(key, stringValue(text));
  }
}

/** INCRBY's core: value + by, with Redis's overflow check; keeps the key's TTL. */
function incrBy(c: ExecContext, key: string, by: bigint): Reply {
  const old = getString(c, key);
  // The common case without BigInt arithmetic (INCR of a counter): same result, same checks.
  if (by <= SMALL_STEP && by >= -SMALL_STEP && (old === undefined || old.value.length < 16)) {
    const v = old === undefined ? 0 : parseLong(old.value);
    if (v !== null) {
      const sum = v + Number(by);
      storeText(c, key, old, String(sum));
      return sum;
    }
  }
  let value = 0n;
  if (old !== undefined) {
    const v = parseInt64(old.value);
    if (v === null) throw NOT_INTEGER;
    value = v;
  }
  if ((by < 0n && value < 0n && by < INT64_MIN - value) || (by > 0n && value > 0n && by > INT64_MAX - value)) {
    throw OVERFLOW;
  }
  value += by;
  storeText(c, key, old, value.toString());
  return value >= -9007199254740991n && value <= 9007199254740991n ? Number(value) : value;
}

/** Redis's GETRANGE index arithmetic, shared with BITCOUNT's byte ranges. */
function clampRange(start: number, end: number, len: number): [number, number] | null {
  if (start < 0 && end < 0 && start > end) return null;
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len === 0) return null;
  return [start, end];
}

/** GETRANGE and its old name SUBSTR. */
function getRange(c: ExecContext, argv: string[]): Reply {
  const start = longArg(argv[2] as string);
  const end = longArg(argv[3] as string);
  const v = getString(c, argv[1] as string);
  if (v === undefined) return '';
  const range = clampRange(start, end, v.value.length);
  return range === null ? '' : v.value.slice(range[0], range[1] + 1);
}

export const stringCommands: CommandSpec[] = [
  command('get', { arity: 2, keys: [1, 1, 1] }, (c, argv) => {
    return getString(c, argv[1] as string)?.value ?? null;
  }),
  command('set', { arity: -3, keys: [1, 1, 1] }, (c, argv) => {
    const options = parseStringOptions(argv, 3, true);
    return setGeneric(c, argv[1] as string, argv[2] as string, options, 'set');
  }),
  command('setnx', { arity: 3, keys: [1, 1, 1] }, (c, argv) => {
    return setGeneric(c, argv[1] as string, argv[2] as string, { flags: SET_NX, expire: null }, 'setnx', 1, 0);
  }),
  command('setex', { arity: 4, keys: [1, 1, 1] }, (c, argv) => {
    return setGeneric(c, argv[1] as string, argv[3] as string, { flags: SET_EX, expire: argv[2] as string }, 'setex');
  }),
  command('psetex', { arity: 4, keys: [1, 1, 1] }, (c, argv) => {
    return setGeneric(c, argv[1] as string, argv[3] as string, { flags: SET_PX, expire: argv[2] as string }, 'psetex');
  }),
  command('getset', { arity: 3, keys: [1, 1, 1] }, (c, argv) => {
    const key = argv[1] as string;
    const old = getString(c, key);
    c.db.set(key, stringValue(argv[2] as string));
    c.rewritten = true;
    c.log.push(['SET', key, argv[2] as string]);
    return old?.value ?? null;
  }),
  command('getdel', { arity: 2, keys: [1, 1, 1] }, (c, argv) => {
    const key = argv[1] as string;
    const old = getString(c, key);
    if (old === undefined) return null;
    c.db.delete(key);
    c.rewritten = true;
    c.log.push(['DEL', key]);
    return old.value;
  }),
  command('getex', { arity: -2, keys: [1, 1, 1] }, (c, argv) => {
    const key = argv[1] as string;
    const options = parseStringOptions(argv, 2, false);
    const v = getString(c, key);
    if (v === undefined) return null;
    const flags = options.flags;
    const expireAtMs = expireAt(c, options, 'getex');
    c.rewritten = true;
    if (expireAtMs !== null && expireAtMs <= c.now) {
      c.db.delete(key);
      c.log.push(['DEL', key]);
    } else if (expireAtMs !== null) {
      c.db.setExpire(key, expireAtMs);
      c.log.push(['PEXPIREAT', key, String(expireAtMs)]);
    } else if (flags & SET_PERSIST && c.db.persist(key)) {
      c.log.push(['PERSIST', key]);
    }
    return v.value;
  }),
  command('mget', { arity: -2, keys: [1, -1, 1] }, (c, argv) => {
    const out: Reply[] = [];
    for (let i = 1; i < argv.length; i++) {
      const v = c.db.get(argv[i] as string, c.now);
      out.push(v?.type === 'string' ? v.value : null);
    }
    return out;
  }),
  command('mset', { arity: -3, keys: [1, -1, 2] }, (c, argv) => {
    if (argv.length % 2 === 0) throw arityError('mset');
    for (let i = 1; i < argv.length; i += 2) c.db.set(argv[i] as string, stringValue(argv[i + 1] as string));
    return OK;
  }),
  command('msetnx', { arity: -3, keys: [1, -1, 2] }, (c, argv) => {
    if (argv.length % 2 === 0) throw arityError('msetnx');
    for (let i = 1; i < argv.length; i += 2) if (c.db.has(argv[i] as string, c.now)) return 0;
    for (let i = 1; i < argv.length; i += 2) c.db.set(argv[i] as string, stringValue(argv[i + 1] as string));
    return 1;
  }),
  command('append', { arity: 3, keys: [1, 1, 1] }, (c, argv) => {
    const key = argv[1] as string;
    const add = argv[2] as string;
    const old = getString(c, key);
    if (old === undefined) {
      c.db.add(key, stringValue(add));
      return add.length;
    }
    checkLength(c, old.value.length + add.length);
    old.value += add;
    c.db.touch(key);
    return old.value.length;
  }),
  command('strlen', { arity: 2, keys: [1, 1, 1] }, (c, argv) => {
    return getString(c, argv[1] as string)?.value.length ?? 0;
  }),
  command('incr', { arity: 2, keys: [1, 1, 1] }, (c, argv) => incrBy(c, argv[1] as string, 1n)),
  command('decr', { arity: 2, keys: [1, 1, 1] }, (c, argv) => incrBy(c, argv[1] as string, -1n)),
  command('incrby', { arity: 3, keys: [1, 1, 1] }, (c, argv) =>
    incrBy(c, argv[1] as string, int64Arg(argv[2] as string)),
  ),
  command('decrby', { arity: 3, keys: [1, 1, 1] }, (c, argv) => {
    const by = int64Arg(argv[2] as string);
    if (by === INT64_MIN) throw errorOf('decrement would overflow');
    return incrBy(c, argv[1] as string, -by);
  }),
  command('incrbyfloat', { arity: 3, keys: [1, 1, 1] }, (c, argv) => {
    const key = argv[1] as string;
    const old = getString(c, key);
    const value = old === undefined ? { neg: false, m: 0n, e: 0 } : parseLongDouble(old.value);
    if (value === null) throw NOT_FLOAT;
    const incr = parseLongDouble(argv[2] as string);
    if (incr === null) throw NOT_FLOAT;
    const sum = addLongDouble(value, incr);
    if (sum === null) throw NAN_OR_INFINITY;
    const s = formatLongDouble(sum);
    storeText(c, key, old, s);
    c.rewritten = true;
    c.log.push(['SET', key, s, 'KEEPTTL']);
    return s;
  }),
  command('getrange', { arity: 4, keys: [1, 1, 1] }, getRange),
  command('substr', { arity: 4, keys: [1, 1, 1] }, getRange),
  command('setrange', { arity: 4, keys: [1, 1, 1] }, (c, argv) => {
    const key = argv[1] as string;
    const offset = longArg(argv[2] as string);
    const patch = argv[3] as string;
    if (offset < 0) throw errorOf('offset is out of range');
    const old = getString(c, key);
    if (old === undefined) {
      if (patch.length === 0) return 0;
      checkLength(c, offset + patch.length);
      c.db.add(key, stringValue('\0'.repeat(offset) + patch));
      return offset + patch.length;
    }
    if (patch.length === 0) return old.value.length;
    checkLength(c, offset + patch.length);
    const base = old.value.length < offset ? old.value + '\0'.repeat(offset - old.value.length) : old.value;
    old.value = base.slice(0, offset) + patch + base.slice(offset + patch.length);
    c.db.touch(key);
    return old.value.length;
  }),
];
