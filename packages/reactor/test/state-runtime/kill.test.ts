// SIGKILL of a process running a Runtime of durable cores (fsync: 'always') in the middle of its
// traffic, round after round over the same dataDir: every commit the child acknowledged (a line
// it wrote only after the reply came) is in the recovered state of the core it went to, in every
// later round and at the end; nothing is applied twice; nothing appears that was never sent.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LineChild, tempDir } from '../wal/helpers.js';

const acker = fileURLToPath(new URL('./fixtures/acker.mjs', import.meta.url));
/** Acknowledgements after which each round is killed (0: as soon as it started). */
const KILL_AFTER = [40, 0, 250, 7, 120];
const ROUND = 100_000; // round r sends values r*ROUND, r*ROUND+1, …

describe('SIGKILL of a runtime with durable cores', () => {
  it(`keeps every acknowledged commit over ${KILL_AFTER.length} rounds`, async () => {
    const dataDir = join(tempDir('corelane-state-kill-'), 'data');
    const acked: number[][] = [[], []]; // per core
    const sent: number[] = []; // the most each round could have sent: [r*ROUND, r*ROUND + limit)
    /** Starts a child, checks what it recovered, and returns it. */
    const startRound = async (round: number, count: number): Promise<LineChild> => {
      const child = new LineChild(acker, [dataDir, String(round * ROUND), String(count)], process.env);
      await child.waitFor((lines) => lines.length >= 2);
      for (const core of [0, 1]) {
        const [word, index, json] = (child.lines[core] as string).split(' ');
        expect([word, Number(index)]).toEqual(['state', core]);
        const vals = JSON.parse(json as string) as number[];
        expect(new Set(vals).size, 'a commit applied twice').toBe(vals.length);
        for (const v of vals) {
          expect(v % 2, `value ${v} in the wrong core`).toBe(core);
          const r = Math.floor(v / ROUND);
          expect(v - r * ROUND, `value ${v} was never sent`).toBeLessThan(sent[r] ?? 0);
        }
        const have = new Set(vals);
        for (const v of acked[core] as number[]) expect(have.has(v), `acknowledged ${v} lost`).toBe(true);
        // Values go to a core in the order they were sent: a core's state is in that order too.
        expect(vals).toEqual([...vals].sort((a, b) => a - b));
      }
      return child;
    };
    for (let round = 0; round < KILL_AFTER.length; round++) {
      const limit = 5000;
      const child = await startRound(round, limit);
      sent[round] = limit;
      const target = KILL_AFTER[round] as number;
      await child.waitFor((lines) => lines.length >= 2 + target);
      const exit = await child.kill();
      expect(exit.signal).toBe('SIGKILL');
      for (const line of child.lines.slice(2)) {
        const [word, v] = line.split(' ');
        if (word === 'ack') (acked[Number(v) % 2] as number[]).push(Number(v));
      }
    }
    expect(acked[0]?.length).toBeGreaterThan(0);
    expect(acked[1]?.length).toBeGreaterThan(0);
    // A last round that commits a few and stops cleanly: the recovered state checked once more.
    const last = await startRound(KILL_AFTER.length, 10);
    await last.waitFor((lines) => lines.includes('done'));
    expect(await last.exited()).toEqual({ code: 0, signal: null });
  }, 120_000);
});
