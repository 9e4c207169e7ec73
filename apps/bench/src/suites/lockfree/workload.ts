// The operations both sides of every lockfree case run: the same keys, the same op stream per
// worker (generated from a seed), the same values. An op is a key index, with bit 31 set for a
// write. Every get hits (all keys are loaded first), so a side's hit count is checked exactly.

/** Keys of the map cases: 10^5, as the issue asks. */
export const KEY_COUNT = 100_000;

/** Bytes of every value. */
export const VALUE_BYTES = 16;

/** Bit 31 of an op: a set (else a get). */
export const WRITE = 0x8000_0000;

/** The keys, `key:<i>`: short ASCII strings, as configuration or routing keys are. */
export function makeKeys(count: number = KEY_COUNT): string[] {
  return Array.from({ length: count }, (_, i) => `key:${i}`);
}

/** The value written for key `i` by op `seq`: its first 4 bytes are `i`, so a read can be checked. */
export function valueFor(i: number, seq: number, out: Uint8Array = new Uint8Array(VALUE_BYTES)): Uint8Array {
  out[0] = i;
  out[1] = i >>> 8;
  out[2] = i >>> 16;
  out[3] = i >>> 24;
  for (let j = 4; j < VALUE_BYTES; j++) out[j] = (seq + j) & 0xff;
  return out;
}

/** The key index a value carries. */
export function keyOfValue(value: Uint8Array): number {
  return (
    ((value[0] as number) |
      ((value[1] as number) << 8) |
      ((value[2] as number) << 16) |
      ((value[3] as number) << 24)) >>>
    0
  );
}

/** `count` ops over `keys` keys, `writePercent`% of them writes; the same stream for the same seed. */
export function makeOps(count: number, keys: number, writePercent: number, seed: number): Uint32Array {
  const ops = new Uint32Array(count);
  let x = seed | 0 || 1;
  for (let i = 0; i < count; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const r = x >>> 0;
    ops[i] = (r % keys) | ((r >>> 24) % 100 < writePercent ? WRITE : 0);
  }
  return ops;
}

/** How many reads (not writes) an op stream holds: every one must hit. */
export function readsIn(ops: Uint32Array): number {
  let reads = 0;
  for (let i = 0; i < ops.length; i++) if (((ops[i] as number) & WRITE) === 0) reads++;
  return reads;
}
