import { CorelaneError, CorelaneRangeError, CorelaneTypeError, ErrorCode, type HeaderFields } from '@corelane/shared';
import { DATA_OFFSET, ELEMENT_TYPES, type ElementType, elementTypeOf } from './layout.js';

/** The typed array a slot ring of each element type is read and written through. */
export type SlotArray = Int32Array | Float64Array | BigInt64Array;

/** A value of a slot ring: `number` for int32 and float64 rings, `bigint` for bigint64 rings. */
export type SlotValue = number | bigint;

/** The value type of a slot ring of element type `T`: `bigint` for `'bigint64'`, else `number`. */
export type SlotValueOf<T extends ElementType> = T extends 'bigint64' ? bigint : number;

/** The typed array of a slot ring of element type `T`. */
export type SlotArrayOf<T extends ElementType> = T extends 'int32'
  ? Int32Array
  : T extends 'float64'
    ? Float64Array
    : BigInt64Array;

/** Checks the element type the header declares against the one the caller asked for. */
export function checkElementType(fields: HeaderFields, wanted: unknown): ElementType {
  const type = elementTypeOf(fields.variant) as ElementType;
  if (wanted !== undefined && wanted !== type) {
    throw new CorelaneError(ErrorCode.BAD_RING, `not a corelane slot ring of ${String(wanted)}: it holds ${type}`);
  }
  return type;
}

/** The data region of a slot ring as a typed array of its element type. */
export function slotArray(buffer: SharedArrayBuffer, type: ElementType, capacity: number): SlotArray {
  if (type === 'bigint64') return new BigInt64Array(buffer, DATA_OFFSET, capacity);
  if (type === 'float64') return new Float64Array(buffer, DATA_OFFSET, capacity);
  return new Int32Array(buffer, DATA_OFFSET, capacity);
}

/** Throws unless `value` can be stored in a slot of `type` exactly (no truncation, no wrap). */
export function checkSlotValue(type: ElementType, value: unknown): void {
  if (type === 'bigint64') {
    if (typeof value !== 'bigint') {
      throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, `a bigint64 ring holds bigints, got ${typeof value}`);
    }
    if (BigInt.asIntN(64, value) !== value) {
      throw new CorelaneRangeError(ErrorCode.OUT_OF_RANGE, `${value} does not fit in a signed 64-bit slot`);
    }
    return;
  }
  if (typeof value !== 'number') {
    throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, `a ${type} ring holds numbers, got ${typeof value}`);
  }
  if (type === 'int32' && (value | 0) !== value) {
    throw new CorelaneRangeError(ErrorCode.OUT_OF_RANGE, `${value} is not a 32-bit signed integer`);
  }
}

/** The typed-array class of `type`, to check `pushMany`/`popMany` arguments. */
export function arrayClassOf(type: ElementType) {
  return ELEMENT_TYPES[type].array;
}
