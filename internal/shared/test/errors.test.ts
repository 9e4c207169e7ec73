import { describe, expect, it } from 'vitest';
import {
  CorelaneError,
  CorelaneRangeError,
  CorelaneTypeError,
  ErrorCode,
  errnoName,
  optionalBoolean,
  requireInteger,
  requireOneOf,
  requireOptions,
  systemError,
} from '../src/index.js';

describe('error classes', () => {
  it('keep the built-in class and carry a stable code', () => {
    const type = new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, 'x must be a number');
    const range = new CorelaneRangeError(ErrorCode.OUT_OF_RANGE, 'x must be >= 0');
    expect(type).toBeInstanceOf(TypeError);
    expect(range).toBeInstanceOf(RangeError);
    expect([type.code, range.code]).toEqual(['ERR_CORELANE_INVALID_ARGUMENT', 'ERR_CORELANE_OUT_OF_RANGE']);
  });

  it('every code is ERR_CORELANE_* and unique', () => {
    const codes = Object.values(ErrorCode);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^ERR_CORELANE_[A-Z_]+$/);
  });

  it('systemError maps EPERM/EACCES to PERMISSION and keeps errno and syscall', () => {
    const eperm = systemError('sched_setscheduler', 1, 'raise');
    expect(eperm).toBeInstanceOf(CorelaneError);
    expect(eperm).toMatchObject({
      code: 'ERR_CORELANE_PERMISSION',
      errno: -1,
      errnoName: 'EPERM',
      syscall: 'sched_setscheduler',
    });
    expect(systemError('open', 13, 'open').code).toBe('ERR_CORELANE_PERMISSION');
    expect(systemError('read', 22, 'read')).toMatchObject({
      code: 'ERR_CORELANE_SYSTEM',
      errno: -22,
      errnoName: 'EINVAL',
    });
    expect(eperm.message).toBe('raise: sched_setscheduler failed with EPERM');
    expect(errnoName(99999)).toBe('E99999');
  });
});

describe('argument checks', () => {
  it('requireInteger: type first, then range', () => {
    expect(requireInteger('n', 3, 0, 5)).toBe(3);
    expect(() => requireInteger('n', '3', 0, 5)).toThrow(TypeError);
    for (const bad of [-1, 6, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => requireInteger('n', bad, 0, 5)).toThrow(
        expect.objectContaining({ code: 'ERR_CORELANE_OUT_OF_RANGE' }),
      );
    }
  });

  it('requireOneOf, requireOptions, optionalBoolean', () => {
    expect(requireOneOf('p', 'a', ['a', 'b'])).toBe('a');
    expect(() => requireOneOf('p', 'c', ['a', 'b'])).toThrow(RangeError);
    expect(() => requireOneOf('p', 1, ['a', 'b'])).toThrow(TypeError);
    expect(requireOptions('o', undefined)).toEqual({});
    expect(() => requireOptions('o', [] as never)).toThrow(TypeError);
    expect(() => requireOptions('o', null as never)).toThrow(TypeError);
    expect(optionalBoolean('b', undefined, true)).toBe(true);
    expect(() => optionalBoolean('b', 1, true)).toThrow(TypeError);
  });
});
