// The randomness of SPOP, SRANDMEMBER, HRANDFIELD and RANDOMKEY. Commands that write with it
// log what they did (SPOP → SREM), so replay never draws again.

/** One element of a non-empty array, uniformly. */
export function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)] as T;
}

/** Shuffles `items` in place (Fisher–Yates) and returns it. */
export function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

/**
 * The most draws one SRANDMEMBER / HRANDFIELD with a negative count makes. Redis would build any
 * reply (and run out of memory on one of 2^62 elements); a core here would die of it, losing
 * the keys it holds. Past this, the command fails with `ERR value is out of range`.
 */
export const MAX_DRAWS = 1 << 24;

/** `count` draws with repetition (a negative count of SRANDMEMBER / HRANDFIELD; at most MAX_DRAWS). */
export function draw<T>(items: readonly T[], count: number): T[] {
  const out: T[] = [];
  for (let i = 0; i < count; i++) out.push(pick(items));
  return out;
}
