// The keys of a cross-core command as they travel between cores: an owner sends the current
// value and expiry of its locked keys (snapshot rows, a copy of every collection even on the
// same core; strings are immutable and shared); the
// coordinator runs the command on a scratch keyspace made of them; each key it changed goes back
// to its owner as the write records that rebuild that key's new state exactly (what the owner
// applies and logs to its WAL, so a restart replays the same state).

import type { Keyspace } from '../store/keyspace.js';
import { decodeValue, encodeValue, type Row } from '../store/snapshot.js';
import { isIntsetMember, type Value } from '../store/values.js';

/** A stand-in for a value that is there (a `'presence'` snapshot: its size never travels). */
const PRESENT: Value = { type: 'string', value: '' };

/**
 * The value and expiry of `keys` (those present, expired or not) as snapshot rows;
 * `presenceOnly`: each present key as an empty string with its own expiry, for a command that
 * only counts or deletes keys (its reply and its records do not depend on the values).
 */
export function snapshotKeys(db: Keyspace, keys: Iterable<string>, presenceOnly = false): Row[] {
  const rows: Row[] = [];
  for (const key of keys) {
    const value = db.data.get(key);
    if (value === undefined) continue;
    rows.push(encodeValue(key, presenceOnly ? PRESENT : value, db.expires.get(key) ?? -1));
  }
  return rows;
}

/**
 * About the bytes `rows` take in a mesh message, at most: msgpack writes each string (latin1
 * characters) as UTF-8 plus a header of up to 5 bytes, a number in up to 9; a row adds its
 * array header and type. The caller's bound leaves room for the message's frame and fields.
 */
export function rowsBytes(rows: readonly Row[]): number {
  let bytes = 16;
  for (const [key, , payload] of rows) {
    bytes += 24 + Buffer.byteLength(key, 'utf8');
    if (typeof payload === 'string') bytes += Buffer.byteLength(payload, 'utf8');
    else
      for (const item of payload as readonly (string | number)[]) bytes += 9 + Buffer.byteLength(String(item), 'utf8');
  }
  return bytes;
}

/** Adds the keys of {@link snapshotKeys}'s rows to `db` (unobserved: no change is counted). */
export function restoreKeysInto(db: Keyspace, rows: readonly Row[]): void {
  for (const [key, type, payload, expireAtMs] of rows) {
    db.data.set(key, decodeValue(type, payload));
    if (expireAtMs !== -1) db.expires.set(key, expireAtMs);
  }
}

/** Whether `rows` has the shape of {@link snapshotKeys}'s (what another core sent). */
export function isRows(rows: unknown): rows is Row[] {
  return (
    Array.isArray(rows) &&
    rows.every(
      (r) =>
        Array.isArray(r) &&
        r.length === 4 &&
        typeof r[0] === 'string' &&
        typeof r[1] === 'number' &&
        typeof r[3] === 'number',
    )
  );
}

/** Whether SADD of `members` into a new key would make an intset (Redis's setTypeCreate + add). */
function wouldBeIntset(members: readonly string[]): boolean {
  return members.length <= 512 && members.every(isIntsetMember);
}

/**
 * The commands that turn whatever `key` holds into `value` with expiry `expireAtMs` (-1: none;
 * `value` undefined: the key is gone; `existed`: whether the owner held it, expired or not).
 * A key that was absent and ends absent was still touched (SET then DEL in a MULTI): a DEL of a
 * missing key signals nothing, so it is set for a moment, as its history did, and its owner's
 * WATCHers see it changed as Redis's do. Orders are kept: a list's items, a hash's fields and a
 * set's members are added in the order they are listed; a set of integers that Redis keeps as a
 * hash table (it held a non-integer once) gets a non-integer member for a moment, as its history
 * did, so it lists in the same order after a replay.
 */
export function stateRecords(key: string, value: Value | undefined, expireAtMs: number, existed = true): string[][] {
  if (value === undefined)
    return existed
      ? [['DEL', key]]
      : [
          ['SET', key, ''],
          ['DEL', key],
        ];
  const expiry = expireAtMs === -1 ? [] : [['PEXPIREAT', key, String(expireAtMs)]];
  switch (value.type) {
    case 'string':
      return [['SET', key, value.value, ...(expireAtMs === -1 ? [] : ['PXAT', String(expireAtMs)])]];
    case 'list':
      return [['DEL', key], ['RPUSH', key, ...value.value.toArray()], ...expiry];
    case 'hash':
      return [['DEL', key], ['HSET', key, ...[...value.value].flat()], ...expiry];
    case 'set': {
      const members = [...value.value];
      // '' is never a member here: every member is an integer.
      if (!value.intset && wouldBeIntset(members)) {
        return [['DEL', key], ['SADD', key, '', ...members], ['SREM', key, ''], ...expiry];
      }
      return [['DEL', key], ['SADD', key, ...members], ...expiry];
    }
  }
}
