// Set commands (Redis's t_set.c). Replies of sets are RESP3 sets (`~`); an intset (all members
// integers, at most 512) lists its members in numeric order as Redis does.
import { type Reply, SetReply } from '../resp/reply.js';
import { scanStep } from '../store/scan.js';
import { addMember, type SetValue, setMembers, setValue } from '../store/values.js';
import { is, positiveArg, rangeArg } from './args.js';
import type { ExecContext } from './context.js';
import { errorOf, SYNTAX, VALUE_OUT_OF_RANGE, WRONGTYPE } from './errors.js';
import { getSet, removeEach } from './lookup.js';
import { draw, MAX_DRAWS, pick, shuffle } from './random.js';
import { parseScan } from './scan-args.js';
import { type CommandSpec, command } from './spec.js';

const LONG_MAX = (1n << 63n) - 1n;

/** Looks up every key as a set (missing = null), throwing WRONGTYPE on any other type. */
function sets(c: ExecContext, keys: string[]): (SetValue | null)[] {
  return keys.map((k) => getSet(c, k) ?? null);
}

function intersect(inputs: (SetValue | null)[], limit = 0): string[] {
  if (inputs.some((s) => s === null || s.value.size === 0)) return [];
  const ordered = [...(inputs as SetValue[])].sort((a, b) => a.value.size - b.value.size);
  const [first, ...rest] = ordered as [SetValue, ...SetValue[]];
  const out: string[] = [];
  for (const m of setMembers(first)) {
    if (rest.every((s) => s.value.has(m))) {
      out.push(m);
      if (limit > 0 && out.length >= limit) break;
    }
  }
  return out;
}

function union(inputs: (SetValue | null)[]): SetValue {
  const out = setValue();
  for (const s of inputs) if (s) for (const m of s.value) addMember(out, m);
  return out;
}

function diff(inputs: (SetValue | null)[]): SetValue {
  const out = setValue();
  const [first, ...rest] = inputs;
  if (!first) return out;
  for (const m of first.value) if (!rest.some((s) => s?.value.has(m))) addMember(out, m);
  return out;
}

/** Stores `members` in `dst` (deleting it when empty), as SINTERSTORE/SUNIONSTORE/SDIFFSTORE. */
function store(c: ExecContext, dst: string, result: SetValue): Reply {
  const existed = c.db.has(dst, c.now);
  if (result.value.size === 0) {
    if (existed) c.db.delete(dst);
    return 0;
  }
  c.db.set(dst, result);
  return result.value.size;
}

function asSetReply(s: SetValue): Reply {
  return new SetReply(setMembers(s));
}

export const setCommands: CommandSpec[] = [
  command('sadd', { arity: -3, keys: [1, 1, 1] }, (c, argv) => {
    const key = argv[1] as string;
    let s = getSet(c, key);
    if (s === undefined) {
      s = setValue();
      c.db.add(key, s);
    }
    let added = 0;
    for (let i = 2; i < argv.length; i++) if (addMember(s, argv[i] as string)) added++;
    if (added > 0) c.db.touch(key);
    return added;
  }),
  command('srem', { arity: -3, keys: [1, 1, 1] }, (c, argv) => {
    const s = getSet(c, argv[1] as string);
    return s === undefined ? 0 : removeEach(c, argv[1] as string, s.value, argv, 2);
  }),
  command('smembers', { arity: 2, keys: [1, 1, 1] }, (c, argv) => {
    const s = getSet(c, argv[1] as string);
    return s ? asSetReply(s) : new SetReply([]);
  }),
  command('sismember', { arity: 3, keys: [1, 1, 1] }, (c, argv) => {
    return getSet(c, argv[1] as string)?.value.has(argv[2] as string) ? 1 : 0;
  }),
  command('smismember', { arity: -3, keys: [1, 1, 1] }, (c, argv) => {
    const s = getSet(c, argv[1] as string);
    const out: number[] = [];
    for (let i = 2; i < argv.length; i++) out.push(s?.value.has(argv[i] as string) ? 1 : 0);
    return out;
  }),
  command('scard', { arity: 2, keys: [1, 1, 1] }, (c, argv) => {
    return getSet(c, argv[1] as string)?.value.size ?? 0;
  }),
  command('spop', { arity: -2, keys: [1, 1, 1] }, (c, argv) => {
    const key = argv[1] as string;
    if (argv.length > 3) throw SYNTAX;
    if (argv.length === 3) {
      const count = positiveArg(argv[2] as string);
      const s = getSet(c, key);
      if (s === undefined || count === 0) return new SetReply([]);
      c.rewritten = true;
      if (count >= s.value.size) {
        const all = setMembers(s);
        c.db.delete(key);
        c.log.push(['DEL', key]);
        return new SetReply(all);
      }
      const picked = shuffle([...s.value]).slice(0, count);
      for (const m of picked) s.value.delete(m);
      c.db.touch(key);
      c.log.push(['SREM', key, ...picked]);
      return new SetReply(picked);
    }
    const s = getSet(c, key);
    if (s === undefined) return null;
    const members = [...s.value];
    const m = pick(members);
    s.value.delete(m);
    if (s.value.size === 0) c.db.delete(key);
    else c.db.touch(key);
    c.rewritten = true;
    c.log.push(['SREM', key, m]);
    return m;
  }),
  command('srandmember', { arity: -2, keys: [1, 1, 1] }, (c, argv) => {
    const key = argv[1] as string;
    if (argv.length > 3) throw SYNTAX;
    if (argv.length === 3) {
      const count = rangeArg(argv[2] as string, -LONG_MAX, LONG_MAX);
      const s = getSet(c, key);
      if (s === undefined || count === 0) return [];
      const members = setMembers(s);
      if (count < -MAX_DRAWS) throw VALUE_OUT_OF_RANGE;
      if (count < 0) {
        return draw(members, -count);
      }
      if (count >= members.length) return members;
      return shuffle(members).slice(0, count);
    }
    const s = getSet(c, key);
    if (s === undefined) return null;
    return pick([...s.value]);
  }),
  command('smove', { arity: 4, keys: [1, 2, 1] }, (c, argv) => {
    const src = argv[1] as string;
    const dst = argv[2] as string;
    const member = argv[3] as string;
    const from = c.db.get(src, c.now);
    const to = c.db.get(dst, c.now);
    if (from === undefined) return 0;
    if (from.type !== 'set' || (to !== undefined && to.type !== 'set')) throw WRONGTYPE;
    if (from === to) return from.value.has(member) ? 1 : 0;
    if (!from.value.delete(member)) return 0;
    if (from.value.size === 0) c.db.delete(src);
    let target = to as SetValue | undefined;
    if (target === undefined) {
      target = setValue();
      c.db.add(dst, target);
    }
    addMember(target, member);
    c.db.touch(src);
    c.db.touch(dst);
    return 1;
  }),
  command('sinter', { arity: -2, keys: [1, -1, 1] }, (c, argv) => {
    return new SetReply(intersect(sets(c, argv.slice(1))));
  }),
  command('sintercard', { arity: -3, keysOf: (argv) => sinterCardKeys(argv) }, (c, argv) => {
    const numkeys = rangeArg(argv[1] as string, 1n, LONG_MAX, 'numkeys should be greater than 0');
    if (numkeys > argv.length - 2) throw errorOf("Number of keys can't be greater than number of args");
    let limit = 0;
    for (let j = 2 + numkeys; j < argv.length; j++) {
      const more = argv.length - 1 - j;
      if (is(argv[j] as string, 'limit') && more) {
        j++;
        limit = positiveArg(argv[j] as string, "LIMIT can't be negative");
      } else {
        throw SYNTAX;
      }
    }
    return intersect(sets(c, argv.slice(2, 2 + numkeys)), limit).length;
  }),
  command('sunion', { arity: -2, keys: [1, -1, 1] }, (c, argv) => {
    return asSetReply(union(sets(c, argv.slice(1))));
  }),
  command('sdiff', { arity: -2, keys: [1, -1, 1] }, (c, argv) => {
    return asSetReply(diff(sets(c, argv.slice(1))));
  }),
  command('sinterstore', { arity: -3, keys: [1, -1, 1] }, (c, argv) => {
    return store(c, argv[1] as string, setValue(intersect(sets(c, argv.slice(2)))));
  }),
  command('sunionstore', { arity: -3, keys: [1, -1, 1] }, (c, argv) => {
    return store(c, argv[1] as string, union(sets(c, argv.slice(2))));
  }),
  command('sdiffstore', { arity: -3, keys: [1, -1, 1] }, (c, argv) => {
    return store(c, argv[1] as string, diff(sets(c, argv.slice(2))));
  }),
  command('sscan', { arity: -3, keys: [1, 1, 1] }, (c, argv) => {
    const options = parseScan(argv, 2, false);
    const s = getSet(c, argv[1] as string);
    if (s === undefined) return ['0', []];
    const match = options.match;
    if (s.intset) return ['0', match ? setMembers(s).filter((m) => match(m)) : setMembers(s)];
    const step = scanStep(s.value, (m) => m, options.cursor, options.count);
    return [String(step.cursor), match ? step.items.filter((m) => match(m)) : step.items];
  }),
];

/** SINTERCARD numkeys key [key …]: the keys are argv[2..2+numkeys). */
function sinterCardKeys(argv: string[]): number[] {
  const n = Number(argv[1]);
  const out: number[] = [];
  if (!Number.isInteger(n) || n < 1) return out;
  for (let i = 2; i < 2 + n && i < argv.length; i++) out.push(i);
  return out;
}
