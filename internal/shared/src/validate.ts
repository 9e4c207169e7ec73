import { CorelaneRangeError, CorelaneTypeError, ErrorCode } from './errors.js';

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return `${typeof value} ${String(value)}`;
  }
  if (typeof value === 'string') return `string ${JSON.stringify(value.slice(0, 40))}`;
  return typeof value;
}

/** Throws unless `value` is an integer in `min..max` (inclusive). */
export function requireInteger(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number') {
    throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, `${name} must be a number, got ${describe(value)}`);
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new CorelaneRangeError(
      ErrorCode.OUT_OF_RANGE,
      `${name} must be an integer in ${min}..${max}, got ${describe(value)}`,
    );
  }
  return value;
}

/** Throws unless `value` is one of `allowed`. */
export function requireOneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string') {
    throw new CorelaneTypeError(
      ErrorCode.INVALID_ARGUMENT,
      `${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}`,
    );
  }
  if (!(allowed as readonly string[]).includes(value)) {
    throw new CorelaneRangeError(
      ErrorCode.OUT_OF_RANGE,
      `${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}`,
    );
  }
  return value as T;
}

/** Throws unless `value` is a plain options object (or undefined, which becomes `{}`). */
export function requireOptions<T extends object>(name: string, value: T | undefined): Partial<T> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, `${name} must be an object, got ${describe(value)}`);
  }
  return value;
}

/** Throws unless `value` is a boolean (or undefined, which gives `fallback`). */
export function optionalBoolean(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, `${name} must be a boolean, got ${describe(value)}`);
  }
  return value;
}
