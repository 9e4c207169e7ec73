// How a Router turns a key into a target: the Rust-compatible modulo (the default), jump
// consistent hashing, or the caller's own function. Checked once, at construction.
import { CorelaneRangeError, CorelaneTypeError, ErrorCode } from '@corelane/shared';
import type { RouterKey } from './key.js';

/**
 * How a `Router` picks the target of a key, among its `size` targets:
 *
 * - `'modulo'` (default): `partition(key, size)` = `fxhash64(key) % size`, the partition a Rust
 *   service computes with `fxhash::hash64(&key) % size`;
 * - `'jump'`: `jumpPartition(key, size)`, jump consistent hashing over fxhash64: when the number
 *   of targets grows by one, only about `1 / (size + 1)` of the keys move;
 * - a function `(key) => target`: your own rule; it must return an integer in `0..size-1` (else
 *   `route()` throws `ERR_CORELANE_OUT_OF_RANGE` with nothing written). It runs on the routing
 *   thread for every record, and should be pure: the same key, the same target.
 */
export type Partitioner = 'modulo' | 'jump' | ((key: RouterKey) => number);

/** How a Router computes targets, resolved once from its `partitioner` option. */
export const PartitionBy = { MODULO: 0, JUMP: 1, CUSTOM: 2 } as const;

/** One of the {@link PartitionBy} values. */
export type PartitionBy = (typeof PartitionBy)[keyof typeof PartitionBy];

/** Checks the `partitioner` option and says how targets are computed. */
export function resolvePartitioner(value: unknown): PartitionBy {
  if (value === undefined || value === 'modulo') return PartitionBy.MODULO;
  if (value === 'jump') return PartitionBy.JUMP;
  if (typeof value === 'function') return PartitionBy.CUSTOM;
  if (typeof value === 'string') {
    throw new CorelaneRangeError(
      ErrorCode.OUT_OF_RANGE,
      `partitioner must be 'modulo', 'jump' or a function (key) => target, got '${value}'`,
    );
  }
  throw new CorelaneTypeError(
    ErrorCode.INVALID_ARGUMENT,
    `partitioner must be 'modulo', 'jump' or a function (key) => target, got ${value === null ? 'null' : typeof value}`,
  );
}

/** Throws unless a custom partitioner's answer is a target index in 0..size-1. */
export function checkCustomTarget(target: unknown, size: number): number {
  if (typeof target === 'number' && (target | 0) === target && target >= 0 && target < size) return target;
  throw new CorelaneRangeError(
    ErrorCode.OUT_OF_RANGE,
    `the partitioner returned ${typeof target === 'number' ? target : typeof target}; it must return an integer in 0..${size - 1} (the target index): nothing was written`,
  );
}
