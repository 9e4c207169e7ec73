// List commands (Redis's t_list.c), the blocking ones included: BLPOP and friends return a
// BlockRequest when every list is empty, and the server serves it when a push arrives.
import { ErrorReply, NullArray, OK, type Reply } from '../resp/reply.js';
import { type ListValue, listValue } from '../store/values.js';
import { is, longArg, positiveArg } from './args.js';
import { BlockRequest, type ExecContext } from './context.js';
import { errorOf, NO_SUCH_KEY, OUT_OF_RANGE, SYNTAX, WRONGTYPE } from './errors.js';
import { parseLongDouble, secondsToMillis } from './long-double.js';
import { getList } from './lookup.js';
import { type CommandSpec, command } from './spec.js';

type End = 'left' | 'right';

function push(c: ExecContext, key: string, values: string[], end: End, onlyIfExists: boolean): Reply {
  let list = getList(c, key);
  if (list === undefined) {
    if (onlyIfExists) return 0;
    list = listValue();
    c.db.add(key, list);
  } else {
    c.db.touch(key);
  }
  for (const v of values) {
    if (end === 'left') list.value.pushFront(v);
    else list.value.pushBack(v);
  }
  c.db.onListReady?.(key);
  return list.value.length;
}

function popOne(c: ExecContext, key: string, list: ListValue, end: End): string {
  const v = (end === 'left' ? list.value.popFront() : list.value.popBack()) as string;
  if (list.value.length === 0) c.db.delete(key);
  else c.db.touch(key);
  return v;
}

function pop(c: ExecContext, argv: string[], end: End, name: string): Reply {
  const key = argv[1] as string;
  if (argv.length > 3) throw new ErrorReply(`ERR wrong number of arguments for '${name}' command`);
  const hasCount = argv.length === 3;
  const count = hasCount ? positiveArg(argv[2] as string) : 0;
  const list = getList(c, key);
  if (list === undefined) return hasCount ? NullArray.instance : null;
  if (hasCount && count === 0) return [];
  if (!hasCount) return popOne(c, key, list, end);
  const out: string[] = [];
  while (out.length < count && list.value.length > 0) {
    out.push((end === 'left' ? list.value.popFront() : list.value.popBack()) as string);
  }
  if (list.value.length === 0) c.db.delete(key);
  else c.db.touch(key);
  return out;
}

function whereArg(s: string): End {
  if (is(s, 'left')) return 'left';
  if (is(s, 'right')) return 'right';
  throw SYNTAX;
}

/** LMOVE's core; `null` when the source is empty or missing. */
function move(c: ExecContext, src: string, dst: string, from: End, to: End): string | null {
  const source = getList(c, src);
  if (source === undefined || source.value.length === 0) return null;
  const target = c.db.get(dst, c.now);
  if (target !== undefined && target.type !== 'list') throw WRONGTYPE;
  const v = (from === 'left' ? source.value.popFront() : source.value.popBack()) as string;
  let list = target as ListValue | undefined;
  if (list === undefined) {
    list = listValue();
    c.db.add(dst, list);
  }
  if (to === 'left') list.value.pushFront(v);
  else list.value.pushBack(v);
  c.db.touch(src);
  c.db.touch(dst);
  c.db.onListReady?.(dst);
  if (source.value.length === 0) c.db.delete(src);
  c.rewritten = true;
  c.log.push(['LMOVE', src, dst, from.toUpperCase(), to.toUpperCase()]);
  return v;
}

const TIMEOUT_NOT_FLOAT = errorOf('timeout is not a float or out of range');

/** Redis's getTimeoutFromObjectOrReply() in seconds: the absolute deadline in ms, 0 = forever. */
function timeoutArg(c: ExecContext, s: string): number {
  const v = parseLongDouble(s);
  if (v === null) throw TIMEOUT_NOT_FLOAT;
  const ms = secondsToMillis(v);
  if (ms < 0n) throw errorOf('timeout is negative');
  return ms > 0n ? c.now + Number(ms) : 0;
}

/** BLPOP/BRPOP: serve from the first non-empty list, or block on all of them. */
function blockingPop(c: ExecContext, argv: string[], end: End): Reply | BlockRequest {
  const keys = argv.slice(1, -1);
  const deadline = timeoutArg(c, argv[argv.length - 1] as string);
  const attempt = (cx: ExecContext): Reply | undefined => {
    for (const key of keys) {
      const list = getList(cx, key);
      if (list !== undefined && list.value.length > 0) {
        const v = popOne(cx, key, list, end);
        cx.rewritten = true;
        cx.log.push([end === 'left' ? 'LPOP' : 'RPOP', key]);
        return [key, v];
      }
    }
    return undefined;
  };
  const now = attempt(c);
  if (now !== undefined) return now;
  return new BlockRequest(keys, deadline, attempt, NullArray.instance);
}

function blockingMove(
  c: ExecContext,
  src: string,
  dst: string,
  from: End,
  to: End,
  timeout: string,
): Reply | BlockRequest {
  const deadline = timeoutArg(c, timeout);
  const attempt = (cx: ExecContext): Reply | undefined => move(cx, src, dst, from, to) ?? undefined;
  const now = attempt(c);
  if (now !== undefined) return now;
  // A timed-out BLMOVE answers a null array, as every blocked list command does in Redis 7.0;
  // inside MULTI (it may not block) a null bulk, as its own code replies there.
  return new BlockRequest([src], deadline, attempt, NullArray.instance, null);
}

function clampList(start: number, end: number, len: number): [number, number] | null {
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (start > end || start >= len) return null;
  if (end >= len) end = len - 1;
  return [start, end];
}

const RANK_ZERO =
  "RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list";

export const listCommands: CommandSpec[] = [
  command('lpush', { arity: -3, keys: [1, 1, 1] }, (c, argv) =>
    push(c, argv[1] as string, argv.slice(2), 'left', false),
  ),
  command('rpush', { arity: -3, keys: [1, 1, 1] }, (c, argv) =>
    push(c, argv[1] as string, argv.slice(2), 'right', false),
  ),
  command('lpushx', { arity: -3, keys: [1, 1, 1] }, (c, argv) =>
    push(c, argv[1] as string, argv.slice(2), 'left', true),
  ),
  command('rpushx', { arity: -3, keys: [1, 1, 1] }, (c, argv) =>
    push(c, argv[1] as string, argv.slice(2), 'right', true),
  ),
  command('lpop', { arity: -2, keys: [1, 1, 1] }, (c, argv) => pop(c, argv, 'left', 'lpop')),
  command('rpop', { arity: -2, keys: [1, 1, 1] }, (c, argv) => pop(c, argv, 'right', 'rpop')),
  command('llen', { arity: 2, keys: [1, 1, 1] }, (c, argv) => {
    return getList(c, argv[1] as string)?.value.length ?? 0;
  }),
  command('lrange', { arity: 4, keys: [1, 1, 1] }, (c, argv) => {
    const start = longArg(argv[2] as string);
    const end = longArg(argv[3] as string);
    const list = getList(c, argv[1] as string);
    if (list === undefined) return [];
    const range = clampList(start, end, list.value.length);
    return range === null ? [] : list.value.slice(range[0], range[1]);
  }),
  command('lindex', { arity: 3, keys: [1, 1, 1] }, (c, argv) => {
    const list = getList(c, argv[1] as string);
    if (list === undefined) return null;
    let index = longArg(argv[2] as string);
    if (index < 0) index = list.value.length + index;
    return index >= 0 && index < list.value.length ? list.value.at(index) : null;
  }),
  command('lset', { arity: 4, keys: [1, 1, 1] }, (c, argv) => {
    const list = getList(c, argv[1] as string);
    if (list === undefined) throw NO_SUCH_KEY;
    let index = longArg(argv[2] as string);
    if (index < 0) index = list.value.length + index;
    if (index < 0 || index >= list.value.length) throw OUT_OF_RANGE;
    list.value.set(index, argv[3] as string);
    c.db.touch(argv[1] as string);
    return OK;
  }),
  command('linsert', { arity: 5, keys: [1, 1, 1] }, (c, argv) => {
    const where = argv[2] as string;
    let after: boolean;
    if (is(where, 'after')) after = true;
    else if (is(where, 'before')) after = false;
    else throw SYNTAX;
    const list = getList(c, argv[1] as string);
    if (list === undefined) return 0;
    const items = list.value.toArray();
    const at = items.indexOf(argv[3] as string);
    if (at < 0) return -1;
    items.splice(after ? at + 1 : at, 0, argv[4] as string);
    list.value.replace(items);
    c.db.touch(argv[1] as string);
    return items.length;
  }),
  command('lrem', { arity: 4, keys: [1, 1, 1] }, (c, argv) => {
    const key = argv[1] as string;
    const count = longArg(argv[2] as string);
    const element = argv[3] as string;
    const list = getList(c, key);
    if (list === undefined) return 0;
    const items = list.value.toArray();
    let removed = 0;
    const limit = count === 0 ? Number.POSITIVE_INFINITY : Math.abs(count);
    if (count >= 0) {
      const kept: string[] = [];
      for (const v of items) {
        if (v === element && removed < limit) removed++;
        else kept.push(v);
      }
      list.value.replace(kept);
    } else {
      const kept: string[] = [];
      for (let i = items.length - 1; i >= 0; i--) {
        const v = items[i] as string;
        if (v === element && removed < limit) removed++;
        else kept.push(v);
      }
      list.value.replace(kept.reverse());
    }
    if (removed > 0) {
      if (list.value.length === 0) c.db.delete(key);
      else c.db.touch(key);
    }
    return removed;
  }),
  command('ltrim', { arity: 4, keys: [1, 1, 1] }, (c, argv) => {
    const key = argv[1] as string;
    const start = longArg(argv[2] as string);
    const end = longArg(argv[3] as string);
    const list = getList(c, key);
    if (list === undefined) return OK;
    const len = list.value.length;
    const range = clampList(start, end, len);
    if (range === null) {
      c.db.delete(key);
    } else if (range[0] > 0 || range[1] < len - 1) {
      list.value.replace(list.value.slice(range[0], range[1]));
      c.db.touch(key);
    } else {
      // Nothing trimmed: nothing to log, but Redis still signals the key (WATCH sees it).
      c.db.signal(key);
    }
    return OK;
  }),
  command('lpos', { arity: -3, keys: [1, 1, 1] }, (c, argv) => {
    let rank = 1;
    let count = -1;
    let maxlen = 0;
    for (let j = 3; j < argv.length; j++) {
      const opt = argv[j] as string;
      const more = argv.length - 1 - j;
      if (is(opt, 'rank') && more) {
        j++;
        rank = longArg(argv[j] as string);
        if (rank === 0) throw errorOf(RANK_ZERO);
      } else if (is(opt, 'count') && more) {
        j++;
        count = positiveArg(argv[j] as string, "COUNT can't be negative");
      } else if (is(opt, 'maxlen') && more) {
        j++;
        maxlen = positiveArg(argv[j] as string, "MAXLEN can't be negative");
      } else {
        throw SYNTAX;
      }
    }
    const list = getList(c, argv[1] as string);
    if (list === undefined) return count !== -1 ? [] : null;
    const element = argv[2] as string;
    const len = list.value.length;
    const fromTail = rank < 0;
    // Redis 7.0 negates LLONG_MIN into itself, still negative: every match from the tail counts,
    // and its COUNT test (matches - rank + 1 >= count) overflows: COUNT stops nothing.
    const rankMin = rank === -(2 ** 63);
    const wanted = rankMin ? 1 : Math.abs(rank);
    const out: number[] = [];
    let matches = 0;
    for (let i = 0; i < len && (maxlen === 0 || i < maxlen); i++) {
      const index = fromTail ? len - 1 - i : i;
      if (list.value.at(index) !== element) continue;
      matches++;
      if (matches < wanted) continue;
      if (count === -1) return index;
      out.push(index);
      if (count !== 0 && !rankMin && matches - wanted + 1 >= count) break;
    }
    return count === -1 ? null : out;
  }),
  command('lmove', { arity: 5, keys: [1, 2, 1] }, (c, argv) => {
    const from = whereArg(argv[3] as string);
    const to = whereArg(argv[4] as string);
    return move(c, argv[1] as string, argv[2] as string, from, to);
  }),
  command('rpoplpush', { arity: 3, keys: [1, 2, 1] }, (c, argv) =>
    move(c, argv[1] as string, argv[2] as string, 'right', 'left'),
  ),
  command('blpop', { arity: -3, keys: [1, -2, 1] }, (c, argv) => blockingPop(c, argv, 'left')),
  command('brpop', { arity: -3, keys: [1, -2, 1] }, (c, argv) => blockingPop(c, argv, 'right')),
  command('blmove', { arity: 6, keys: [1, 2, 1] }, (c, argv) => {
    const from = whereArg(argv[3] as string);
    const to = whereArg(argv[4] as string);
    return blockingMove(c, argv[1] as string, argv[2] as string, from, to, argv[5] as string);
  }),
  command('brpoplpush', { arity: 4, keys: [1, 2, 1] }, (c, argv) =>
    blockingMove(c, argv[1] as string, argv[2] as string, 'right', 'left', argv[3] as string),
  ),
];
