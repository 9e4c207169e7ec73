// A shard's keyspace as bytes (the checkpoint the WAL truncates behind) and back. MessagePack
// of a versioned header and one [key, type, payload, expireAtMs] row per key.
import { Packr } from 'msgpackr';
import { Deque } from './deque.js';
import { Keyspace } from './keyspace.js';
import type { Value } from './values.js';

const MAGIC = 'corelane-kv-snapshot';
const VERSION = 1;
const packr = new Packr({ useRecords: false, moreTypes: false });

/**
 * One key as plain data: its name, type (0 string, 1 list, 2 hash, 3 set), payload (fresh
 * arrays: a copy of the key's collections, its strings shared) and absolute expiry (-1: none).
 */
export type Row = [key: string, type: 0 | 1 | 2 | 3, payload: unknown, expireAtMs: number];

/** `key`'s row. */
export function encodeValue(key: string, v: Value, expireAtMs: number): Row {
  switch (v.type) {
    case 'string':
      return [key, 0, v.value, expireAtMs];
    case 'list':
      return [key, 1, v.value.toArray(), expireAtMs];
    case 'hash':
      return [key, 2, [...v.value].flat(), expireAtMs];
    case 'set':
      return [key, 3, [v.intset ? 1 : 0, ...v.value], expireAtMs];
  }
}

/** The value a row's `type` and `payload` describe (new collections). */
export function decodeValue(type: number, payload: unknown): Value {
  switch (type) {
    case 0:
      return { type: 'string', value: payload as string };
    case 1:
      return { type: 'list', value: new Deque(payload as string[]) };
    case 2: {
      const flat = payload as string[];
      const map = new Map<string, string>();
      for (let i = 0; i < flat.length; i += 2) map.set(flat[i] as string, flat[i + 1] as string);
      return { type: 'hash', value: map };
    }
    case 3: {
      const [intset, ...members] = payload as [number, ...string[]];
      return { type: 'set', value: new Set(members), intset: intset === 1 };
    }
    default:
      throw new Error(`corelane-kv snapshot: unknown value type ${type}`);
  }
}

/** The keyspace as bytes: every key, its value and its absolute expiry time. */
export function snapshotKeyspace(db: Keyspace): Uint8Array {
  const rows: Row[] = [];
  for (const [key, value] of db.data) rows.push(encodeValue(key, value, db.getExpire(key)));
  return packr.pack([MAGIC, VERSION, rows]);
}

/** A keyspace rebuilt from {@link snapshotKeyspace}'s bytes; throws on bytes that are not one. */
export function restoreKeyspace(bytes: Uint8Array): Keyspace {
  const decoded = packr.unpack(bytes) as unknown;
  if (!Array.isArray(decoded) || decoded[0] !== MAGIC || decoded[1] !== VERSION || !Array.isArray(decoded[2])) {
    throw new Error('corelane-kv snapshot: not a snapshot of version 1');
  }
  const db = new Keyspace();
  for (const [key, type, payload, expireAtMs] of decoded[2] as Row[]) {
    db.data.set(key, decodeValue(type, payload));
    if (expireAtMs !== -1) db.expires.set(key, expireAtMs);
  }
  return db;
}
