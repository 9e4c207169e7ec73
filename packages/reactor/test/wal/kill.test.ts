// SIGKILL at random moments during fsync: 'always' appends, round after round over the same
// directory, alternating the uring backends (CORELANE_URING=off for the thread pool). Every
// append the child acknowledged (a line it wrote only after append() resolved) must replay
// intact, in order, exactly once, in every later round and at the end; nothing else may be
// replayed but whole records that the writer made. (A SIGKILL cannot tear a write in the page
// cache, so these rounds recover with tornBytes 0; torn-tail.test.ts cuts files at every offset.)
import { constants, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Wal } from '../../src/wal/index.js';
import { backendEnv, backends, LineChild, readPayload, seededRandom, tempDir } from './helpers.js';

const writer = fileURLToPath(new URL('./fixtures/writer.mjs', import.meta.url));
const ROUNDS = 24;

/** How many of `pid`'s descriptors of files under `dir` are open with O_DIRECT (from /proc). */
function directDescriptors(pid: number, dir: string): number {
  let n = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (!readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith(dir)) continue;
      const flags = /flags:\s+([0-7]+)/.exec(readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'))?.[1];
      if (flags !== undefined && (Number.parseInt(flags, 8) & constants.O_DIRECT) !== 0) n++;
    } catch {
      // Closed meanwhile (a roll): not counted.
    }
  }
  return n;
}

/** Whether `pid` holds an O_DIRECT descriptor under `dir` in one of 50 looks 10 ms apart (a roll reopens it). */
async function writesDirect(pid: number, dir: string): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    if (directDescriptors(pid, dir) > 0) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return false;
}

describe('SIGKILL during appends', () => {
  it(`loses no acknowledged record over ${ROUNDS} rounds`, async () => {
    const dir = join(tempDir(), 'log');
    const next = seededRandom(0xc0ffee);
    /** seq → [tag, counter] of every acknowledged append. */
    const acked = new Map<number, [number, number]>();
    let maxAcked = 0;
    const seen = new Set<string>();
    for (let round = 1; round <= ROUNDS; round++) {
      const backend = backends[round % 2] as (typeof backends)[number];
      const depth = [1, 4, 16, 64, 160][round % 5] as number;
      // Two groups in flight in two rounds of three: a kill can then find group N+1 on disk
      // without group N (recovery's window covers both).
      const groups = round % 3 === 0 ? 1 : 2;
      const child = new LineChild(writer, [dir, String(round), String(depth), String(groups)], backendEnv(backend));
      await child.waitFor((lines) => lines.length > 0);
      const [word, lastSeq, , ran] = (child.lines[0] as string).split(' ');
      expect(word).toBe('open');
      expect(ran).toBe(backend);
      // The kills land on the path the groups take: with one group in flight each is one
      // O_DIRECT write (direct.ts) on a descriptor of its own; with two, none is.
      const pid = child.child.pid as number;
      if (groups === 1) expect(await writesDirect(pid, dir), `round ${round}: O_DIRECT descriptor`).toBe(true);
      else expect(directDescriptors(pid, dir), `round ${round}: no O_DIRECT descriptor`).toBe(0);
      // Recovery kept every record acknowledged in earlier rounds.
      expect(Number(lastSeq)).toBeGreaterThanOrEqual(maxAcked);
      // Kill after a random number of acknowledgements, or right away now and then.
      const target = next() < 0.15 ? 0 : Math.floor(next() * 400);
      await child.waitFor((lines) => lines.length > target);
      if (next() < 0.5) await new Promise((resolve) => setTimeout(resolve, next() * 20));
      const exit = await child.kill();
      expect(exit.signal).toBe('SIGKILL');
      for (const line of child.lines.slice(1)) {
        const [kind, seq, counter] = line.split(' ');
        if (kind !== 'ack') continue;
        expect(acked.has(Number(seq)), `seq ${seq} acknowledged twice`).toBe(false);
        acked.set(Number(seq), [round, Number(counter)]);
        maxAcked = Math.max(maxAcked, Number(seq));
      }
    }
    expect(acked.size).toBeGreaterThan(ROUNDS); // the rounds did append

    const wal = await Wal.open(dir, { segmentSize: 64 * 1024, maxGroupBytes: 8192 });
    let expectedSeq = 1;
    await wal.replay(({ seq, data }) => {
      expect(seq).toBe(expectedSeq++); // in order, no gap, no repeat
      const p = readPayload(data);
      expect(p, `record ${seq} is damaged`).not.toBeNull();
      const key = `${p?.tag}/${p?.counter}`;
      expect(seen.has(key), `append ${key} replayed twice`).toBe(false);
      seen.add(key);
      const ack = acked.get(seq);
      if (ack !== undefined) expect([p?.tag, p?.counter]).toEqual(ack);
    });
    expect(wal.lastSeq).toBeGreaterThanOrEqual(maxAcked);
    for (const seq of acked.keys()) expect(seq).toBeLessThanOrEqual(wal.lastSeq);
    expect(wal.segments).toBeGreaterThan(1); // rolls happened under the kills too
    await wal.close();
  }, 240_000);
});
