// Deterministic keys for distribution and movement tests: the same keys on every run, so a
// bound either holds or fails every time (never flaky).

/** A splitmix64 stream of uint32 values, seeded. */
export function uint32Stream(seed: number): () => number {
  let state = BigInt(seed);
  return () => {
    state = BigInt.asUintN(64, state + 0x9e3779b97f4a7c15n);
    let z = state;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return Number((z ^ (z >> 31n)) & 0xffffffffn);
  };
}

/** `count` keys of the three kinds a service routes by: ids, names and 16-byte binary keys. */
export function mixedKeys(count: number, seed = 1): (string | number | Uint8Array)[] {
  const next = uint32Stream(seed);
  const keys: (string | number | Uint8Array)[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 3 === 0) keys.push(i);
    else if (i % 3 === 1) keys.push(`user-${i}`);
    else {
      const bytes = new Uint8Array(16);
      const view = new DataView(bytes.buffer);
      for (let w = 0; w < 4; w++) view.setUint32(w * 4, next(), true);
      keys.push(bytes);
    }
  }
  return keys;
}

/**
 * The chi-square statistic of observed bucket counts against a uniform spread of `total` keys
 * over `counts.length` buckets.
 */
export function chiSquare(counts: ArrayLike<number>, total: number): number {
  const expected = total / counts.length;
  let sum = 0;
  for (let i = 0; i < counts.length; i++) sum += ((counts[i] as number) - expected) ** 2 / expected;
  return sum;
}

/**
 * The chi-square value that a uniform spread exceeds with probability about 1e-6 at `df`
 * degrees of freedom (Wilson–Hilferty: chi2/df is close to normal after a cube root; z = 4.75).
 */
export function chiSquareBound(df: number): number {
  const z = 4.75;
  const a = 2 / (9 * df);
  return df * (1 - a + z * Math.sqrt(a)) ** 3;
}
