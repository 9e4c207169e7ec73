// The native batch hasher in several worker_threads at once: each thread loads the addon, hashes
// its own keys concurrently with the others, and must get exactly what fxhash64() gets.

import { runWorker } from '@corelane/shared/testing';
import { describe, expect, it } from 'vitest';
import { fxhash64 } from '../src/index.js';

interface Answer {
  seed: number;
  count: number;
  nativeSum: bigint;
  jsSum: bigint;
}

describe('hashBatch() across worker_threads', () => {
  it('four workers hashing at once agree with fxhash64, key by key (weighted checksums)', async () => {
    const count = 5_000;
    const answers = await Promise.all(
      [1, 2, 3, 4].map((seed) =>
        runWorker<Answer>(new URL('./workers/hash-batch-worker.mjs', import.meta.url), { seed, count, rounds: 4 }),
      ),
    );
    for (const answer of answers) {
      let expected = 0n;
      for (let i = 0; i < count; i++)
        expected = BigInt.asUintN(64, expected + fxhash64(`w${answer.seed}-key-${i}`) * BigInt(i + 1));
      expected = BigInt.asUintN(64, expected * 4n);
      expect(answer.count).toBe(count);
      expect(answer.nativeSum).toBe(expected);
      expect(answer.jsSum).toBe(expected);
    }
  });
});
