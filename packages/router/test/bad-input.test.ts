// Every bad input throws a TypeError or RangeError with a stable code, before anything is hashed
// or written.
import { describe, expect, it } from 'vitest';
import {
  fxhash32,
  fxhash64,
  hashBatch,
  jumpHash,
  jumpPartition,
  packKeys,
  partition,
  rendezvous,
} from '../src/index.js';

const TYPE = 'ERR_CORELANE_INVALID_ARGUMENT';
const RANGE = 'ERR_CORELANE_OUT_OF_RANGE';

type Case = [label: string, value: unknown, errorClass: typeof TypeError | typeof RangeError, code: string];

const badKeys: Case[] = [
  ['1.5', 1.5, RangeError, RANGE],
  ['NaN', Number.NaN, RangeError, RANGE],
  ['Infinity', Number.POSITIVE_INFINITY, RangeError, RANGE],
  ['2^53 (not a safe integer)', 2 ** 53, RangeError, RANGE],
  ['-(2^53)', -(2 ** 53), RangeError, RANGE],
  ['2n ** 64n', 2n ** 64n, RangeError, RANGE],
  ['-(2n ** 63n) - 1n', -(2n ** 63n) - 1n, RangeError, RANGE],
  ['an object', { id: 1 }, TypeError, TYPE],
  ['an array', [1, 2], TypeError, TYPE],
  ['null', null, TypeError, TYPE],
  ['undefined', undefined, TypeError, TYPE],
  ['true', true, TypeError, TYPE],
  ['a symbol', Symbol('k'), TypeError, TYPE],
  ['a Uint16Array', new Uint16Array(2), TypeError, TYPE],
  ['an ArrayBuffer', new ArrayBuffer(8), TypeError, TYPE],
  ['a DataView', new DataView(new ArrayBuffer(8)), TypeError, TYPE],
];

const badCounts: Case[] = [
  ['0', 0, RangeError, RANGE],
  ['-1', -1, RangeError, RANGE],
  ['1.5', 1.5, RangeError, RANGE],
  ['NaN', Number.NaN, RangeError, RANGE],
  ['Infinity', Number.POSITIVE_INFINITY, RangeError, RANGE],
  ['2^31', 2 ** 31, RangeError, RANGE],
  ['a string', '3', TypeError, TYPE],
  ['a bigint', 3n, TypeError, TYPE],
  ['null', null, TypeError, TYPE],
  ['undefined', undefined, TypeError, TYPE],
];

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

function expectTyped(error: unknown, errorClass: typeof TypeError | typeof RangeError, code: string): void {
  expect(error).toBeInstanceOf(errorClass);
  expect(error).toMatchObject({ code });
  expect((error as Error).message.length).toBeGreaterThan(15);
}

describe.each([
  ['fxhash64', (key: unknown) => fxhash64(key as never)],
  ['fxhash32', (key: unknown) => fxhash32(key as never)],
  ['partition', (key: unknown) => partition(key as never, 4)],
  ['jumpPartition', (key: unknown) => jumpPartition(key as never, 4)],
  ['rendezvous().pick', (key: unknown) => rendezvous(['a', 'b']).pick(key as never)],
  ['hashBatch([key])', (key: unknown) => hashBatch([key as never])],
])('%s refuses a bad key', (_name, call) => {
  it.each(badKeys)('%s', (_label, key, errorClass, code) => {
    expectTyped(
      thrown(() => call(key)),
      errorClass,
      code,
    );
  });
});

describe.each([
  ['partition', (n: unknown) => partition('key', n as number)],
  ['jumpPartition', (n: unknown) => jumpPartition('key', n as number)],
  ['jumpHash', (n: unknown) => jumpHash(1n, n as number)],
])('%s refuses a bad n', (_name, call) => {
  it.each(badCounts)('%s', (_label, n, errorClass, code) => {
    expectTyped(
      thrown(() => call(n)),
      errorClass,
      code,
    );
  });
});

describe('the messages name the argument and the rule', () => {
  it('says what a key may be, and the range of n', () => {
    expect(() => fxhash64(1.5)).toThrow(/key must be a safe integer/);
    expect(() => fxhash64({} as never)).toThrow(/key must be a Uint8Array, a string, a safe integer or a bigint/);
    expect(() => partition('a', 0)).toThrow(/n must be an integer in 1\.\.2147483647/);
  });

  it('checks n before the key', () => {
    expect(thrown(() => partition({} as never, 0))).toMatchObject({ code: RANGE, message: /^n must/ });
  });
});

describe('jumpHash refuses a hash that is not a u64 bigint', () => {
  it.each<Case>([
    ['a number (a key, not a hash)', 42, TypeError, TYPE],
    ['a string', 'abc', TypeError, TYPE],
    ['-1n', -1n, RangeError, RANGE],
    ['2n ** 64n', 2n ** 64n, RangeError, RANGE],
  ])('%s', (_label, hash, errorClass, code) => {
    expectTyped(
      thrown(() => jumpHash(hash as bigint, 4)),
      errorClass,
      code,
    );
  });
});

describe('rendezvous() refuses bad targets', () => {
  it.each<Case>([
    ['not an array', 'a,b', TypeError, TYPE],
    ['null', null, TypeError, TYPE],
    ['an empty array', [], RangeError, RANGE],
    ['a duplicate', ['a', 'b', 'a'], RangeError, RANGE],
    ['the same u64 twice', [5, 5n], RangeError, RANGE],
    ['a float', [1, 1.5], RangeError, RANGE],
    ['an object', ['a', {}], TypeError, TYPE],
  ])('%s', (_label, targets, errorClass, code) => {
    expectTyped(
      thrown(() => rendezvous(targets as never)),
      errorClass,
      code,
    );
  });

  it('names the two equal targets', () => {
    expect(() => rendezvous(['a', 'b', 'a'])).toThrow(/targets\[0\] and targets\[2\]/);
  });
});

describe('hashBatch() refuses bad batches before writing', () => {
  const data = new TextEncoder().encode('abcdef');
  it.each<Case>([
    ['a string', 'abc', TypeError, TYPE],
    ['null', null, TypeError, TYPE],
    ['a Uint8Array (one key, not a batch)', new Uint8Array(4), TypeError, TYPE],
    ['packed keys without offsets', { data, encoding: 'utf8' }, TypeError, TYPE],
    [
      'packed keys with an unknown encoding',
      { data, offsets: Uint32Array.of(0, 6), encoding: 'latin1' },
      TypeError,
      TYPE,
    ],
    ['packed keys with no offsets at all', { data, offsets: new Uint32Array(0), encoding: 'utf8' }, RangeError, RANGE],
    ['decreasing offsets', { data, offsets: Uint32Array.of(0, 4, 2), encoding: 'utf8' }, RangeError, RANGE],
    ['offsets past the data', { data, offsets: Uint32Array.of(0, 3, 7), encoding: 'bytes' }, RangeError, RANGE],
  ])('%s', (_label, keys, errorClass, code) => {
    expectTyped(
      thrown(() => hashBatch(keys as never)),
      errorClass,
      code,
    );
  });

  it('names the bad key of an array, and leaves out untouched', () => {
    const out = new BigUint64Array(3).fill(9n);
    expect(() => hashBatch(['a', 'b', 0.5], out)).toThrow(/keys\[2\] must be a safe integer/);
    expect([...out]).toEqual([9n, 9n, 9n]);
  });

  it('refuses an out that is not a BigUint64Array or is too short', () => {
    expectTyped(
      thrown(() => hashBatch(['a'], new BigInt64Array(1) as never)),
      TypeError,
      TYPE,
    );
    expectTyped(
      thrown(() => hashBatch(['a'], [0n] as never)),
      TypeError,
      TYPE,
    );
    expectTyped(
      thrown(() => hashBatch(['a', 'b'], new BigUint64Array(1))),
      RangeError,
      RANGE,
    );
  });

  it('names the packed key whose offsets are wrong', () => {
    expect(() => hashBatch({ data, offsets: Uint32Array.of(0, 4, 2), encoding: 'utf8' })).toThrow(/offsets\[1\]/);
  });
});

describe('packKeys() refuses what it cannot pack', () => {
  it.each<Case>([
    ['not an array', 'abc', TypeError, TYPE],
    ['strings mixed with bytes', ['a', new Uint8Array(1)], TypeError, TYPE],
    ['bytes mixed with strings', [new Uint8Array(1), 'a'], TypeError, TYPE],
    ['numbers', [1, 2], TypeError, TYPE],
  ])('%s', (_label, keys, errorClass, code) => {
    expectTyped(
      thrown(() => packKeys(keys as never)),
      errorClass,
      code,
    );
  });
});
