import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableCpus, pinThread, threadAffinity, unpinThread } from '../src/index.js';

const cpus = availableCpus();
const first = cpus[0] as number;
const outside = Math.max(...cpus) + 1;

// Every case: [label, argument, error class, code]
const cases: [string, unknown, typeof TypeError | typeof RangeError, string][] = [
  ['-1', -1, RangeError, 'ERR_CORELANE_OUT_OF_RANGE'],
  ['1.5', 1.5, RangeError, 'ERR_CORELANE_OUT_OF_RANGE'],
  ['NaN', Number.NaN, RangeError, 'ERR_CORELANE_OUT_OF_RANGE'],
  ['Infinity', Number.POSITIVE_INFINITY, RangeError, 'ERR_CORELANE_OUT_OF_RANGE'],
  ['a CPU outside availableCpus()', outside, RangeError, 'ERR_CORELANE_CPU_UNAVAILABLE'],
  ['an empty list', [], RangeError, 'ERR_CORELANE_EMPTY_CPU_SET'],
  ['a list with -1', [first, -1], RangeError, 'ERR_CORELANE_OUT_OF_RANGE'],
  ['a list with NaN', [Number.NaN], RangeError, 'ERR_CORELANE_OUT_OF_RANGE'],
  ['a list with an unavailable CPU', [first, outside], RangeError, 'ERR_CORELANE_CPU_UNAVAILABLE'],
  ['a list with a string', [first, '1'], TypeError, 'ERR_CORELANE_INVALID_ARGUMENT'],
  ['a string', '0', TypeError, 'ERR_CORELANE_INVALID_ARGUMENT'],
  ['a bigint', 0n, TypeError, 'ERR_CORELANE_INVALID_ARGUMENT'],
  ['null', null, TypeError, 'ERR_CORELANE_INVALID_ARGUMENT'],
  ['undefined', undefined, TypeError, 'ERR_CORELANE_INVALID_ARGUMENT'],
  ['an object', { cpu: 0 }, TypeError, 'ERR_CORELANE_INVALID_ARGUMENT'],
];

describe('pinThread() bad input', () => {
  beforeAll(() => {
    pinThread(first); // a known, narrow affinity that a half-applied call would visibly change
  });
  afterAll(() => {
    unpinThread();
  });

  it.each(cases)('%s throws a typed error and leaves the affinity unchanged', (_label, arg, errorClass, code) => {
    let thrown: unknown;
    try {
      pinThread(arg as number);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(errorClass);
    expect(thrown).toMatchObject({ code });
    expect((thrown as Error).message.length).toBeGreaterThan(10);
    expect(threadAffinity()).toEqual([first]);
  });

  it('names the offending element and the available CPUs', () => {
    expect(() => pinThread([first, outside])).toThrow(/cpus\[1\] is CPU \d+, which this process may not run on/);
    expect(() => pinThread(1.5)).toThrow(/cpu must be an integer/);
  });
});
