// The values a key can hold. Strings are latin1 JS strings: one char per byte, so values are
// binary-safe and `length` is the byte length Redis reports.
import { Deque } from './deque.js';

/** Redis's set-max-intset-entries default: a set of integers up to this size is an intset. */
export const INTSET_MAX_ENTRIES = 512;

/** A string value. */
export interface StringValue {
  readonly type: 'string';
  value: string;
}

/** A list value. */
export interface ListValue {
  readonly type: 'list';
  value: Deque;
}

/** A hash value; a Map keeps insertion order, as Redis's listpack encoding of small hashes does. */
export interface HashValue {
  readonly type: 'hash';
  value: Map<string, string>;
}

/**
 * A set value. `intset` mirrors Redis's encoding: while every member is an integer and there are
 * at most 512, Redis keeps a sorted intset (and SMEMBERS answers in numeric order); once a
 * member is not an integer or the set grows past that, it becomes a hash table for good.
 */
export interface SetValue {
  readonly type: 'set';
  value: Set<string>;
  intset: boolean;
}

/** Any value. */
export type Value = StringValue | ListValue | HashValue | SetValue;

/** The type names TYPE answers. */
export type ValueType = Value['type'];

export function stringValue(value: string): StringValue {
  return { type: 'string', value };
}

export function listValue(items: readonly string[] = []): ListValue {
  return { type: 'list', value: new Deque(items) };
}

export function hashValue(entries: Iterable<[string, string]> = []): HashValue {
  return { type: 'hash', value: new Map(entries) };
}

/** Whether Redis would store `s` in an intset (string2ll succeeds: canonical int64). */
export function isIntsetMember(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 20) return false;
  if (s === '0') return true;
  let i = s.charCodeAt(0) === 0x2d ? 1 : 0;
  if (i === n) return false;
  const first = s.charCodeAt(i);
  if (first < 0x31 || first > 0x39) return false;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  if (n < 19) return true;
  const v = BigInt(s);
  return v >= -(1n << 63n) && v < 1n << 63n;
}

export function setValue(members: Iterable<string> = []): SetValue {
  const set: SetValue = { type: 'set', value: new Set(), intset: true };
  for (const m of members) addMember(set, m);
  return set;
}

/** Adds a member, keeping the intset flag as Redis's encoding would be; true when it was new. */
export function addMember(set: SetValue, member: string): boolean {
  if (set.value.has(member)) return false;
  if (set.intset && (!isIntsetMember(member) || set.value.size >= INTSET_MAX_ENTRIES)) set.intset = false;
  set.value.add(member);
  return true;
}

/** Members in the order Redis lists them: numeric for an intset, insertion order otherwise. */
export function setMembers(set: SetValue): string[] {
  const members = [...set.value];
  if (set.intset) members.sort((a, b) => compareIntStrings(a, b));
  return members;
}

function compareIntStrings(a: string, b: string): number {
  if (a.length < 16 && b.length < 16) return Number(a) - Number(b);
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
