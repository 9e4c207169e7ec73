// Hash commands (Redis's t_hash.c). A Map keeps insertion order as Redis's listpack does for
// small hashes, so HGETALL of a small hash lists its fields in the same order as Redis.

import { MapReply, OK, type Reply } from '../resp/reply.js';
import { scanStep } from '../store/scan.js';
import { type HashValue, hashValue } from '../store/values.js';
import { INT64_MAX, INT64_MIN, int64Arg, is, parseInt64, rangeArg } from './args.js';
import type { ExecContext } from './context.js';
import { arityError, errorOf, NAN_OR_INFINITY, OVERFLOW, SYNTAX, VALUE_OUT_OF_RANGE } from './errors.js';
import { addLongDouble, formatLongDouble, parseLongDouble } from './long-double.js';
import { getHash, removeEach } from './lookup.js';
import { draw, MAX_DRAWS, pick, shuffle } from './random.js';
import { parseScan } from './scan-args.js';
import { type CommandSpec, command } from './spec.js';

function hashForWrite(c: ExecContext, key: string): HashValue {
  let h = getHash(c, key);
  if (h === undefined) {
    h = hashValue();
    c.db.add(key, h);
  }
  return h;
}

function hset(c: ExecContext, argv: string[], name: string): number {
  if (argv.length % 2 === 1) throw arityError(name);
  const h = hashForWrite(c, argv[1] as string);
  let created = 0;
  for (let i = 2; i < argv.length; i += 2) {
    const field = argv[i] as string;
    if (!h.value.has(field)) created++;
    h.value.set(field, argv[i + 1] as string);
  }
  c.db.touch(argv[1] as string);
  return created;
}

/** Whether Redis 7.0 would still keep this hash as a listpack (<= 128 entries of <= 64 bytes). */
function isListpack(h: HashValue): boolean {
  if (h.value.size > 128) return false;
  for (const [f, v] of h.value) if (f.length > 64 || v.length > 64) return false;
  return true;
}

const HASH_NOT_INTEGER = errorOf('hash value is not an integer');
const HASH_NOT_FLOAT = errorOf('hash value is not a float');
const LONG_MAX = (1n << 63n) - 1n;

export const hashCommands: CommandSpec[] = [
  command('hset', { arity: -4, keys: [1, 1, 1] }, (c, argv) => hset(c, argv, 'hset')),
  command('hmset', { arity: -4, keys: [1, 1, 1] }, (c, argv) => {
    hset(c, argv, 'hmset');
    return OK;
  }),
  command('hsetnx', { arity: 4, keys: [1, 1, 1] }, (c, argv) => {
    const key = argv[1] as string;
    const existing = getHash(c, key);
    if (existing?.value.has(argv[2] as string)) return 0;
    const h = existing ?? hashForWrite(c, key);
    h.value.set(argv[2] as string, argv[3] as string);
    c.db.touch(key);
    return 1;
  }),
  command('hget', { arity: 3, keys: [1, 1, 1] }, (c, argv) => {
    return getHash(c, argv[1] as string)?.value.get(argv[2] as string) ?? null;
  }),
  command('hmget', { arity: -3, keys: [1, 1, 1] }, (c, argv) => {
    const h = getHash(c, argv[1] as string);
    const out: Reply[] = [];
    for (let i = 2; i < argv.length; i++) out.push(h?.value.get(argv[i] as string) ?? null);
    return out;
  }),
  command('hgetall', { arity: 2, keys: [1, 1, 1] }, (c, argv) => {
    const h = getHash(c, argv[1] as string);
    const entries: Reply[] = [];
    if (h) for (const [f, v] of h.value) entries.push(f, v);
    return new MapReply(entries);
  }),
  command('hkeys', { arity: 2, keys: [1, 1, 1] }, (c, argv) => {
    const h = getHash(c, argv[1] as string);
    return h ? [...h.value.keys()] : [];
  }),
  command('hvals', { arity: 2, keys: [1, 1, 1] }, (c, argv) => {
    const h = getHash(c, argv[1] as string);
    return h ? [...h.value.values()] : [];
  }),
  command('hdel', { arity: -3, keys: [1, 1, 1] }, (c, argv) => {
    const h = getHash(c, argv[1] as string);
    return h === undefined ? 0 : removeEach(c, argv[1] as string, h.value, argv, 2);
  }),
  command('hexists', { arity: 3, keys: [1, 1, 1] }, (c, argv) => {
    return getHash(c, argv[1] as string)?.value.has(argv[2] as string) ? 1 : 0;
  }),
  command('hlen', { arity: 2, keys: [1, 1, 1] }, (c, argv) => {
    return getHash(c, argv[1] as string)?.value.size ?? 0;
  }),
  command('hstrlen', { arity: 3, keys: [1, 1, 1] }, (c, argv) => {
    return getHash(c, argv[1] as string)?.value.get(argv[2] as string)?.length ?? 0;
  }),
  command('hincrby', { arity: 4, keys: [1, 1, 1] }, (c, argv) => {
    const by = int64Arg(argv[3] as string);
    const h = hashForWrite(c, argv[1] as string);
    const field = argv[2] as string;
    const old = h.value.get(field);
    let value = 0n;
    if (old !== undefined) {
      const v = parseInt64(old);
      if (v === null) throw HASH_NOT_INTEGER;
      value = v;
    }
    if ((by < 0n && value < 0n && by < INT64_MIN - value) || (by > 0n && value > 0n && by > INT64_MAX - value)) {
      throw OVERFLOW;
    }
    value += by;
    h.value.set(field, value.toString());
    c.db.touch(argv[1] as string);
    return value >= -9007199254740991n && value <= 9007199254740991n ? Number(value) : value;
  }),
  command('hincrbyfloat', { arity: 4, keys: [1, 1, 1] }, (c, argv) => {
    const key = argv[1] as string;
    const incr = parseLongDouble(argv[3] as string);
    if (incr === null) throw errorOf('value is not a valid float');
    if ('inf' in incr) throw errorOf('value is NaN or Infinity');
    const h = hashForWrite(c, key);
    const field = argv[2] as string;
    const old = h.value.get(field);
    const value = old === undefined ? { neg: false, m: 0n, e: 0 } : parseLongDouble(old);
    if (value === null) throw HASH_NOT_FLOAT;
    const sum = addLongDouble(value, incr);
    if (sum === null) throw NAN_OR_INFINITY;
    const s = formatLongDouble(sum);
    h.value.set(field, s);
    c.db.touch(key);
    c.rewritten = true;
    c.log.push(['HSET', key, field, s]);
    return s;
  }),
  command('hrandfield', { arity: -2, keys: [1, 1, 1] }, (c, argv) => {
    const key = argv[1] as string;
    if (argv.length >= 3) {
      const count = rangeArg(argv[2] as string, -LONG_MAX, LONG_MAX);
      let withValues = false;
      if (argv.length > 4 || (argv.length === 4 && !is(argv[3] as string, 'withvalues'))) throw SYNTAX;
      if (argv.length === 4) withValues = true;
      // Redis: a reply of -count pairs would overflow its length.
      // (Compared exactly: -LONG_MAX / 2 and -2^62 are one double apart from nothing.)
      if (withValues && count < 0 && (parseInt64(argv[2] as string) as bigint) < -LONG_MAX / 2n)
        throw VALUE_OUT_OF_RANGE;
      const h = getHash(c, key);
      if (h === undefined || count === 0) return [];
      // Before copying the hash: a refused count costs nothing.
      if (count < -MAX_DRAWS) throw VALUE_OUT_OF_RANGE;
      const entries = [...h.value];
      let picked: [string, string][];
      if (count < 0) picked = draw(entries, -count);
      else if (count >= entries.length) picked = entries;
      else picked = shuffle(entries).slice(0, count);
      if (!withValues) return picked.map(([f]) => f);
      if (c.session?.protocol === 3) return picked.map(([f, v]) => [f, v]);
      return picked.flat();
    }
    const h = getHash(c, key);
    if (h === undefined) return null;
    return pick([...h.value.keys()]);
  }),
  command('hscan', { arity: -3, keys: [1, 1, 1] }, (c, argv) => {
    const options = parseScan(argv, 2, false);
    const h = getHash(c, argv[1] as string);
    if (h === undefined) return ['0', []];
    if (isListpack(h)) {
      // Redis answers a small (listpack) hash whole, in order, with cursor 0.
      const all: string[] = [];
      for (const [f, v] of h.value) if (!options.match || options.match(f)) all.push(f, v);
      return ['0', all];
    }
    const step = scanStep(h.value, ([f]) => f, options.cursor, options.count);
    const out: string[] = [];
    for (const [f, v] of step.items) {
      if (options.match && !options.match(f)) continue;
      out.push(f, v);
    }
    return [String(step.cursor), out];
  }),
];
