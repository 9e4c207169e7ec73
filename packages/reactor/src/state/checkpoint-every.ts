import { requireInteger, requireOptions } from '@corelane/shared';

const MAX_COUNT = Number.MAX_SAFE_INTEGER;

/** `checkpointEvery` checked: each bound a positive integer, 0 where absent (no bound). */
export function resolveCheckpointEvery(
  name: string,
  option: { records?: number; bytes?: number } | undefined,
): { records: number; bytes: number } {
  const every = requireOptions(name, option);
  return {
    records: every.records === undefined ? 0 : requireInteger(`${name}.records`, every.records, 1, MAX_COUNT),
    bytes: every.bytes === undefined ? 0 : requireInteger(`${name}.bytes`, every.bytes, 1, MAX_COUNT),
  };
}
