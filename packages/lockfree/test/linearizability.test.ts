// Linearizability: many short histories of set/get/delete/compareAndSet from 2-4 workers,
// invocation and response stamped by a shared SC counter, checked key by key against a
// sequential map (Wing & Gong). The checker itself is shown to reject bad histories.
import { runWorker } from '@corelane/shared/testing';
import { describe, expect, it } from 'vitest';
import { SharedMap } from '../src/index.js';
import { Kind, linearizable, type Op } from './helpers/linearizability.js';

const script = new URL('./workers/map-worker.mjs', import.meta.url);

describe('the checker', () => {
  const op = (kind: number, a: number, b: number, result: number, inv: number, res: number): Op => ({
    kind,
    a,
    b,
    result,
    inv,
    res,
  });

  it('accepts overlapping ops in either order, rejects a stale read after a completed write', () => {
    // set(7) overlaps get → 0: fine (the get goes first).
    expect(linearizable([op(Kind.SET, 7, 0, 0, 0, 3), op(Kind.GET, 0, 0, 0, 1, 2)])).toBe(true);
    // set(7) completes, then a get starts and reads absent: not linearizable.
    expect(linearizable([op(Kind.SET, 7, 0, 0, 0, 1), op(Kind.GET, 0, 0, 0, 2, 3)])).toBe(false);
    // Two CAS from absent both succeed: impossible.
    expect(linearizable([op(Kind.CAS, 0, 5, 1, 0, 3), op(Kind.CAS, 0, 6, 1, 1, 2)])).toBe(false);
    // A delete that reports true on an absent key: impossible.
    expect(linearizable([op(Kind.DELETE, 0, 0, 1, 0, 1)])).toBe(false);
    // set 5, then concurrently delete→true and get→5: fine (get before delete).
    expect(
      linearizable([op(Kind.SET, 5, 0, 0, 0, 1), op(Kind.DELETE, 0, 0, 1, 2, 5), op(Kind.GET, 0, 0, 5, 3, 4)]),
    ).toBe(true);
  });
});

describe('SharedMap histories from worker threads', () => {
  // 8 workers run fewer operations each per round: a round's history per key stays short
  // enough for the checker (its search grows with the operations that overlap).
  it.each([
    [2, 6],
    [4, 6],
    [8, 3],
  ])(
    '%i workers, 300 rounds of short histories (%i ops each per round): every key is linearizable',
    async (workers, perRound) => {
      const map = SharedMap.create({ capacity: 64, arenaBytes: 8 << 20 });
      const clock = new SharedArrayBuffer(4);
      const barrier = new SharedArrayBuffer(8);
      const rounds = 300;
      const keys = 2;
      const results = await Promise.all(
        Array.from({ length: workers }, (_, id) =>
          runWorker<{ rows: number[] }>(
            script,
            {
              mode: 'history',
              handle: map.handle,
              id,
              workers,
              rounds,
              perRound,
              keys,
              clock,
              barrier,
              seed: 77 + id,
              timeoutMs: 40_000,
            },
            50_000,
          ),
        ),
      );
      const histories = new Map<string, Op[]>();
      for (const { rows } of results) {
        for (let i = 0; i < rows.length; i += 8) {
          const [round, key, kind, a, b, result, inv, res] = rows.slice(i, i + 8) as number[];
          const id = `${round}:${key}`;
          if (!histories.has(id)) histories.set(id, []);
          (histories.get(id) as Op[]).push({
            kind: kind as number,
            a: a as number,
            b: b as number,
            result: result as number,
            inv: inv as number,
            res: res as number,
          });
        }
      }
      const failures = [...histories].filter(([, ops]) => !linearizable(ops));
      expect(failures.map(([id, ops]) => `${id}: ${JSON.stringify(ops)}`)).toEqual([]);
      // The rounds overlapped: some ops of different workers were concurrent.
      let overlapping = 0;
      for (const ops of histories.values()) {
        for (const x of ops) if (ops.some((y) => y !== x && y.inv < x.res && x.inv < y.res)) overlapping++;
      }
      expect(overlapping).toBeGreaterThan(0);
      expect(histories.size).toBeGreaterThan(rounds);
      map.close();
    },
  );
});
