// Key and expiry commands (Redis's db.c and expire.c).
import { ErrorReply, OK, type Reply, SimpleString } from '../resp/reply.js';
import { copyValue } from '../store/copy.js';
import { globMatch } from '../store/glob.js';
import { scanStep } from '../store/scan.js';
import { INT64_MAX, INT64_MIN, int64Arg, is, longArg } from './args.js';
import type { ExecContext } from './context.js';
import { cString, DB_OUT_OF_RANGE, expireTimeError, NO_SUCH_KEY, SAME_OBJECT, SYNTAX } from './errors.js';
import { parseScan } from './scan-args.js';
import { type CommandSpec, command } from './spec.js';

const EXPIRE_NX = 1;
const EXPIRE_XX = 2;
const EXPIRE_GT = 4;
const EXPIRE_LT = 8;

/** Redis's parseExtendedExpireArgumentsOrReply(). */
function expireFlags(argv: string[]): number {
  let flags = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = (argv[j] as string).toLowerCase();
    if (opt === 'nx') flags |= EXPIRE_NX;
    else if (opt === 'xx') flags |= EXPIRE_XX;
    else if (opt === 'gt') flags |= EXPIRE_GT;
    else if (opt === 'lt') flags |= EXPIRE_LT;
    else throw new ErrorReply(`ERR Unsupported option ${cString(argv[j] as string)}`);
  }
  if (flags & EXPIRE_NX && flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) {
    throw new ErrorReply('ERR NX and XX, GT or LT options at the same time are not compatible');
  }
  if (flags & EXPIRE_GT && flags & EXPIRE_LT) {
    throw new ErrorReply('ERR GT and LT options at the same time are not compatible');
  }
  return flags;
}

/** EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT (expireGenericCommand). */
function expireGeneric(c: ExecContext, argv: string[], relative: boolean, seconds: boolean, fullname: string): Reply {
  const key = argv[1] as string;
  const flags = expireFlags(argv);
  let when = int64Arg(argv[2] as string);
  if (seconds) {
    if (when > INT64_MAX / 1000n || when < INT64_MIN / 1000n) throw expireTimeError(fullname);
    when *= 1000n;
  }
  const base = relative ? BigInt(c.now) : 0n;
  if (when > INT64_MAX - base) throw expireTimeError(fullname);
  when += base;
  if (!c.db.has(key, c.now)) return 0;
  if (flags) {
    const current = c.db.getExpire(key);
    if (flags & EXPIRE_NX && current !== -1) return 0;
    if (flags & EXPIRE_XX && current === -1) return 0;
    if (flags & EXPIRE_GT && (current === -1 || when <= BigInt(current))) return 0;
    if (flags & EXPIRE_LT && current !== -1 && when >= BigInt(current)) return 0;
  }
  c.rewritten = true;
  if (when <= BigInt(c.now)) {
    c.db.delete(key);
    c.log.push(['DEL', key]);
    return 1;
  }
  // A time past what a double holds exactly still orders correctly; Redis keeps an int64.
  const at = Number(when);
  c.db.setExpire(key, at);
  c.log.push(['PEXPIREAT', key, when.toString()]);
  return 1;
}

function ttlGeneric(c: ExecContext, key: string, ms: boolean): Reply {
  if (!c.db.has(key, c.now)) return -2;
  const expire = c.db.getExpire(key);
  if (expire === -1) return -1;
  const ttl = Math.max(0, expire - c.now);
  return ms ? ttl : Math.floor((ttl + 500) / 1000);
}

function expireTime(c: ExecContext, key: string, ms: boolean): Reply {
  if (!c.db.has(key, c.now)) return -2;
  const expire = c.db.getExpire(key);
  if (expire === -1) return -1;
  return ms ? expire : Math.floor((expire + 500) / 1000);
}

function renameGeneric(c: ExecContext, argv: string[], nx: boolean): Reply {
  const src = argv[1] as string;
  const dst = argv[2] as string;
  const value = c.db.get(src, c.now);
  if (value === undefined) throw NO_SUCH_KEY;
  if (src === dst) return nx ? 0 : OK;
  const expire = c.db.getExpire(src);
  if (c.db.has(dst, c.now)) {
    if (nx) return 0;
    c.db.delete(dst);
  }
  c.db.delete(src);
  c.db.add(dst, value);
  if (expire !== -1) c.db.setExpire(dst, expire);
  if (value.type === 'list') c.db.onListReady?.(dst);
  return nx ? 1 : OK;
}

/** Deletes every key of the shard (FLUSHDB, FLUSHALL). */
function flush(c: ExecContext, argv: string[]): Reply {
  if (argv.length > 2) throw SYNTAX;
  if (argv.length === 2 && !is(argv[1] as string, 'async') && !is(argv[1] as string, 'sync')) throw SYNTAX;
  c.db.clear();
  c.rewritten = true;
  c.log.push(['FLUSHALL']);
  return OK;
}

/** DEL and UNLINK (there is no background freeing here): how many existed. */
function deleteKeys(c: ExecContext, argv: string[]): Reply {
  let n = 0;
  for (let i = 1; i < argv.length; i++) {
    const key = argv[i] as string;
    if (c.db.has(key, c.now) && c.db.delete(key)) n++;
  }
  return n;
}

/** EXISTS and TOUCH: how many of the keys exist, a repeated key counted each time. */
function countExisting(c: ExecContext, argv: string[]): Reply {
  let n = 0;
  for (let i = 1; i < argv.length; i++) if (c.db.has(argv[i] as string, c.now)) n++;
  return n;
}

export const keyCommands: CommandSpec[] = [
  command('del', { arity: -2, keys: [1, -1, 1] }, deleteKeys),
  command('unlink', { arity: -2, keys: [1, -1, 1] }, deleteKeys),
  command('exists', { arity: -2, keys: [1, -1, 1] }, countExisting),
  command('touch', { arity: -2, keys: [1, -1, 1] }, countExisting),
  command('type', { arity: 2, keys: [1, 1, 1] }, (c, argv) => {
    return new SimpleString(c.db.get(argv[1] as string, c.now)?.type ?? 'none');
  }),
  command('keys', { arity: 2 }, (c, argv) => {
    const pattern = argv[1] as string;
    const all = pattern === '*';
    const out: string[] = [];
    for (const key of c.db.data.keys()) {
      if (c.db.isExpired(key, c.now)) continue;
      if (all || globMatch(pattern, key)) out.push(key);
    }
    return out;
  }),
  command('scan', { arity: -2 }, (c, argv) => {
    const options = parseScan(argv, 1, true);
    const step = scanStep(c.db.data.keys(), (k) => k, options.cursor, options.count);
    const keys: string[] = [];
    for (const key of step.items) {
      // Redis's order: the pattern first, so a key it filters out is not expired by SCAN.
      if (options.match && !options.match(key)) continue;
      const value = c.db.get(key, c.now);
      if (value === undefined) continue;
      if (options.type !== null && value.type !== options.type) continue;
      keys.push(key);
    }
    return [String(step.cursor), keys];
  }),
  command('randomkey', { arity: 1 }, (c) => {
    // Redis retries a bounded number of times when it draws expired keys; so does this.
    for (let tries = 0; tries < 100 && c.db.size > 0; tries++) {
      let i = Math.floor(Math.random() * c.db.size);
      for (const key of c.db.data.keys()) {
        if (i-- === 0) {
          if (c.db.has(key, c.now)) return key;
          break;
        }
      }
    }
    return null;
  }),
  command('rename', { arity: 3, keys: [1, 2, 1] }, (c, argv) => renameGeneric(c, argv, false)),
  command('renamenx', { arity: 3, keys: [1, 2, 1] }, (c, argv) => renameGeneric(c, argv, true)),
  command('copy', { arity: -3, keys: [1, 2, 1] }, (c, argv) => {
    const src = argv[1] as string;
    const dst = argv[2] as string;
    let replace = false;
    let db = 0;
    for (let j = 3; j < argv.length; j++) {
      const more = argv.length - 1 - j;
      if (is(argv[j] as string, 'replace')) replace = true;
      else if (is(argv[j] as string, 'db') && more >= 1) {
        db = longArg(argv[j + 1] as string);
        j++;
      } else throw SYNTAX;
    }
    if (db !== 0) throw DB_OUT_OF_RANGE;
    if (src === dst) throw SAME_OBJECT;
    const value = c.db.get(src, c.now);
    if (value === undefined) return 0;
    const expire = c.db.getExpire(src);
    if (c.db.has(dst, c.now)) {
      if (!replace) return 0;
      c.db.delete(dst);
    }
    c.db.add(dst, copyValue(value));
    if (expire !== -1) c.db.setExpire(dst, expire);
    if (value.type === 'list') c.db.onListReady?.(dst);
    return 1;
  }),
  command('expire', { arity: -3, keys: [1, 1, 1] }, (c, argv) => expireGeneric(c, argv, true, true, 'expire')),
  command('pexpire', { arity: -3, keys: [1, 1, 1] }, (c, argv) => expireGeneric(c, argv, true, false, 'pexpire')),
  command('expireat', { arity: -3, keys: [1, 1, 1] }, (c, argv) => expireGeneric(c, argv, false, true, 'expireat')),
  command('pexpireat', { arity: -3, keys: [1, 1, 1] }, (c, argv) => expireGeneric(c, argv, false, false, 'pexpireat')),
  command('ttl', { arity: 2, keys: [1, 1, 1] }, (c, argv) => ttlGeneric(c, argv[1] as string, false)),
  command('pttl', { arity: 2, keys: [1, 1, 1] }, (c, argv) => ttlGeneric(c, argv[1] as string, true)),
  command('expiretime', { arity: 2, keys: [1, 1, 1] }, (c, argv) => expireTime(c, argv[1] as string, false)),
  command('pexpiretime', { arity: 2, keys: [1, 1, 1] }, (c, argv) => expireTime(c, argv[1] as string, true)),
  command('persist', { arity: 2, keys: [1, 1, 1] }, (c, argv) => {
    const key = argv[1] as string;
    if (!c.db.has(key, c.now)) return 0;
    return c.db.persist(key) ? 1 : 0;
  }),
  command('dbsize', { arity: 1 }, (c) => c.db.size),
  command('flushdb', { arity: -1 }, flush),
  command('flushall', { arity: -1 }, flush),
];
