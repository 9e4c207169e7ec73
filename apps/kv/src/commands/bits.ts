import { stringValue } from '../store/values.js';
import { is, longArg, parseInt64 } from './args.js';
import type { ExecContext } from './context.js';
import { errorOf, SYNTAX } from './errors.js';
import { getString } from './lookup.js';
import { type CommandSpec, command } from './spec.js';

const BIT_OFFSET = errorOf('bit offset is not an integer or out of range');
const BIT_VALUE = errorOf('bit is not an integer or out of range');

function bitOffset(c: ExecContext, s: string): number {
  const v = parseInt64(s);
  if (v === null || v < 0n || v >> 3n >= BigInt(c.maxBulkBytes)) throw BIT_OFFSET;
  return Number(v);
}

function popcount8(b: number): number {
  b -= (b >> 1) & 0x55;
  b = (b & 0x33) + ((b >> 2) & 0x33);
  return (b + (b >> 4)) & 0x0f;
}

export const bitCommands: CommandSpec[] = [
  command('setbit', { arity: 4, keys: [1, 1, 1] }, (c, argv) => {
    const key = argv[1] as string;
    const offset = bitOffset(c, argv[2] as string);
    const on = parseInt64(argv[3] as string);
    if (on === null || (on !== 0n && on !== 1n)) throw BIT_VALUE;
    let v = getString(c, key);
    const byte = offset >> 3;
    if (v === undefined) {
      v = stringValue('');
      c.db.add(key, v);
    }
    if (v.value.length <= byte) v.value += '\0'.repeat(byte + 1 - v.value.length);
    const bit = 7 - (offset & 7);
    const old = v.value.charCodeAt(byte);
    const next = on === 1n ? old | (1 << bit) : old & ~(1 << bit);
    v.value = v.value.slice(0, byte) + String.fromCharCode(next) + v.value.slice(byte + 1);
    c.db.touch(key);
    return (old >> bit) & 1;
  }),
  command('getbit', { arity: 3, keys: [1, 1, 1] }, (c, argv) => {
    const offset = bitOffset(c, argv[2] as string);
    const v = getString(c, argv[1] as string);
    if (v === undefined) return 0;
    const byte = offset >> 3;
    if (byte >= v.value.length) return 0;
    return (v.value.charCodeAt(byte) >> (7 - (offset & 7))) & 1;
  }),
  command('bitcount', { arity: -2, keys: [1, 1, 1] }, (c, argv) => {
    const v = getString(c, argv[1] as string);
    if (v === undefined) return 0;
    const s = v.value;
    let start = 0;
    let end = s.length - 1;
    let isBit = false;
    if (argv.length === 4 || argv.length === 5) {
      start = longArg(argv[2] as string);
      end = longArg(argv[3] as string);
      // Redis 7.0 answers 0 for two negative, reversed indexes before it looks at BIT/BYTE.
      if (start < 0 && end < 0 && start > end) return 0;
      if (argv.length === 5) {
        if (is(argv[4] as string, 'bit')) isBit = true;
        else if (!is(argv[4] as string, 'byte')) throw SYNTAX;
      }
      const total = isBit ? s.length * 8 : s.length;
      if (start < 0) start = total + start;
      if (end < 0) end = total + end;
      if (start < 0) start = 0;
      if (end < 0) end = 0;
      if (end >= total) end = total - 1;
    } else if (argv.length !== 2) {
      throw SYNTAX;
    }
    if (start > end) return 0;
    if (!isBit) {
      let n = 0;
      for (let i = start; i <= end; i++) n += popcount8(s.charCodeAt(i));
      return n;
    }
    let n = 0;
    for (let b = start; b <= end; b++) n += (s.charCodeAt(b >> 3) >> (7 - (b & 7))) & 1;
    return n;
  }),
];
