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
