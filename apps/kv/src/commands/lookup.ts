// Typed lookups: the value of a key if it holds the expected type, nothing when it does not
// exist (or expired), and WRONGTYPE thrown otherwise.
import type { HashValue, ListValue, SetValue, StringValue, Value } from '../store/values.js';
import type { ExecContext } from './context.js';
import { WRONGTYPE } from './errors.js';

function typed<T extends Value>(c: ExecContext, key: string, type: T['type']): T | undefined {
  const v = c.db.get(key, c.now);
  if (v === undefined) return undefined;
  if (v.type !== type) throw WRONGTYPE;
  return v as T;
}

export function getString(c: ExecContext, key: string): StringValue | undefined {
  return typed<StringValue>(c, key, 'string');
}

export function getList(c: ExecContext, key: string): ListValue | undefined {
  return typed<ListValue>(c, key, 'list');
}

export function getHash(c: ExecContext, key: string): HashValue | undefined {
  return typed<HashValue>(c, key, 'hash');
}

export function getSet(c: ExecContext, key: string): SetValue | undefined {
  return typed<SetValue>(c, key, 'set');
}

/**
 * HDEL and SREM: deletes `argv[from..]` from the key's fields or members, deleting the key
 * when it empties (Redis stops there, so later names are not counted). Returns how many went.
 */
export function removeEach(
  c: ExecContext,
  key: string,
  items: { delete(name: string): boolean; readonly size: number },
  argv: string[],
  from: number,
): number {
  let n = 0;
  for (let i = from; i < argv.length; i++) {
    if (!items.delete(argv[i] as string)) continue;
    n++;
    if (items.size === 0) {
      c.db.delete(key);
      break;
    }
  }
  if (n > 0) c.db.touch(key);
  return n;
}
