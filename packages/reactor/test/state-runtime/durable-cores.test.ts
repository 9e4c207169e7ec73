// Durable state in the runtime's cores, across real workers: every core keeps its own WAL under
// <dataDir>/core-<i>; an acknowledged commit survives a crash restart of its core and a restart
// of the whole runtime; checkpoints by count happen in the cores, truncate the log, and recovery
// is the checkpoint plus the tail; bad options are refused before any worker starts.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type RestartEvent, Runtime } from '../../dist/index.js';
import { Wal } from '../../dist/wal.js';
import { nextEvent } from '../helpers/lab.js';
import { backends, tempDir } from '../wal/helpers.js';
import { addAll, COUNTER, expected, get, range, withCounter } from './helpers.js';

const root = tempDir('corelane-state-rt-');
let dirs = 0;
const freshDir = () => join(root, `data-${dirs++}`);

describe('durable state in the cores', () => {
  it.each(backends)(
    "a core crashed after acknowledged commits ('always', %s) recovers every one of them",
    async (backend) => {
      const dataDir = freshDir();
      const wal = { segmentSize: 64 * 1024, backend };
      await withCounter({ cores: 2, dataDir, fsync: 'always', restart: 3, wal }, async (rt) => {
        const acked = await addAll(rt, 1, range(0, 300));
        expect(acked).toEqual(range(0, 300).map((v) => ({ core: 1, v })));
        await addAll(rt, 0, range(1000, 50));
        const restarted = nextEvent<RestartEvent>(rt, 'restart');
        await expect(rt.requestTo(1, { op: 'die' })).rejects.toMatchObject({ code: 'ERR_CORELANE_CORE_RESTARTED' });
        await restarted;
        // Recovered before the restarted core took any message: all 300, in order, once each.
        expect(await get(rt, 1)).toEqual({ ...expected(range(0, 300), 1), restarts: 1 });
        // The other core kept its own state, and the restarted one keeps committing after it.
        expect(await get(rt, 0)).toEqual({ ...expected(range(1000, 50), 0), restarts: 0 });
        await addAll(rt, 1, range(300, 20));
        expect(await get(rt, 1)).toMatchObject(expected(range(0, 320), 1));
      });
      expect(readdirSync(dataDir).sort()).toEqual(['core-0', 'core-1']);
    },
    60_000,
  );

  it('a runtime stopped and started again over the same dataDir has the same state', async () => {
    const dataDir = freshDir();
    const before = await withCounter({ cores: 2, dataDir }, async (rt) => {
      await Promise.all([addAll(rt, 0, range(0, 120)), addAll(rt, 1, range(500, 80))]);
      return [await get(rt, 0), await get(rt, 1)];
    });
    expect(before).toEqual([
      { ...expected(range(0, 120), 0), restarts: 0 },
      { ...expected(range(500, 80), 1), restarts: 0 },
    ]);
    const after = await withCounter({ cores: 2, dataDir, fsync: 'none' }, async (rt) => [
      await get(rt, 0),
      await get(rt, 1),
    ]);
    expect(after).toEqual(before);
  }, 60_000);

  it('checkpoints by count run in the cores; recovery is the newest checkpoint plus the log after it', async () => {
    const dataDir = freshDir();
    const pad = 'p'.repeat(300);
    await withCounter({ cores: 1, dataDir, checkpointEvery: { records: 100 } }, async (rt) => {
      // In steps, so checkpoints (in the background) happen between and during the groups.
      for (let i = 0; i < 6; i++) await addAll(rt, 0, range(i * 100, 100), pad);
      await addAll(rt, 0, range(600, 30), pad);
    });
    const dir = join(dataDir, 'core-0');
    const checkpoints = readdirSync(dir).filter((name) => name.endsWith('.ckpt'));
    expect(checkpoints).toHaveLength(1); // the older ones were removed
    const checkpointSeq = Number(checkpoints[0]?.slice(0, 20));
    expect(checkpointSeq).toBeGreaterThanOrEqual(100);
    expect(checkpointSeq).toBeLessThanOrEqual(630);
    // The log was truncated: records the checkpoint covers are gone, so only the checkpoint can
    // give them back; the log continues it to the last commit.
    const wal = await Wal.open(join(dir, 'wal'), { segmentSize: 64 * 1024 });
    expect(wal.firstSeq).toBeGreaterThan(1);
    expect(wal.firstSeq).toBeLessThanOrEqual(checkpointSeq + 1);
    expect(wal.lastSeq).toBe(630);
    await wal.close();
    await withCounter({ cores: 1, dataDir }, async (rt) => {
      expect(await get(rt, 0)).toEqual({ ...expected(range(0, 630), 0), restarts: 0 });
    });
  }, 60_000);
});

describe('a commit the handler does not await', () => {
  it('holds the reply back until it is durable: a request after the reply sees it applied', async () => {
    await withCounter({ cores: 1, dataDir: freshDir() }, async (rt) => {
      for (let v = 1; v <= 20; v++) {
        // The reply of add-unawaited is sent only after its record is durable (and so applied):
        // the get that follows it on the same core must see it, every time.
        expect(await rt.requestTo(0, { op: 'add-unawaited', v })).toEqual({ n: v - 1 });
        expect(await get(rt, 0)).toMatchObject({ n: v });
      }
    });
  });

  it('is not in ctx.state when the handler replies, and is applied in commit order after', async () => {
    await withCounter({ cores: 1, dataDir: freshDir() }, async (rt) => {
      await addAll(rt, 0, [1, 2]);
      expect(await rt.requestTo(0, { op: 'add-unawaited', v: 3 })).toEqual({ n: 2 });
      // Commits apply in the order they were made: once a later one is acknowledged, it is there.
      await addAll(rt, 0, [4]);
      expect(await get(rt, 0)).toMatchObject(expected([1, 2, 3, 4], 0));
    });
  });
});

describe('WAL options of the cores', () => {
  it("wal.maxGroupsInFlight reaches each core's Wal (wal.zeroAheadBytes goes with it)", async () => {
    const dataDir = freshDir();
    const wal = { segmentSize: 64 * 1024, maxGroupBytes: 8192, maxGroupsInFlight: 2, zeroAheadBytes: 0 };
    await withCounter({ cores: 1, dataDir, fsync: 'always', wal }, async (rt) => {
      await addAll(rt, 0, range(0, 40));
    });
    const dir = join(dataDir, 'core-0', 'wal');
    const file = readFileSync(join(dir, readdirSync(dir).find((n) => n.endsWith('.wal')) as string));
    // The segment header's torn-tail window is maxGroupBytes x maxGroupsInFlight under 'always'.
    expect(file.readUInt32LE(20)).toBe(2 * 8192);
    const again = await Wal.open(dir, { segmentSize: 64 * 1024 });
    expect(again.recovery).toMatchObject({ records: 40, tornBytes: 0 });
    await again.close();
  }, 60_000);
});

describe('bad durable-state options', () => {
  const cases: [string, string, Record<string, unknown>][] = [
    ['state without dataDir', 'ERR_CORELANE_INVALID_ARGUMENT', {}],
    ['fsync unknown', 'ERR_CORELANE_OUT_OF_RANGE', { dataDir: 'x', fsync: 'sometimes' }],
    ['fsync the old { intervalMs } form', 'ERR_CORELANE_INVALID_ARGUMENT', { dataDir: 'x', fsync: { intervalMs: 5 } }],
    ['intervalMs without interval', 'ERR_CORELANE_OUT_OF_RANGE', { dataDir: 'x', fsync: 'always', intervalMs: 5 }],
    ['intervalMs 0', 'ERR_CORELANE_OUT_OF_RANGE', { dataDir: 'x', fsync: 'interval', intervalMs: 0 }],
    ['dataDir a number', 'ERR_CORELANE_INVALID_ARGUMENT', { dataDir: 7 }],
    ['checkpointEvery.records 0', 'ERR_CORELANE_OUT_OF_RANGE', { dataDir: 'x', checkpointEvery: { records: 0 } }],
    ['checkpointEvery a number', 'ERR_CORELANE_INVALID_ARGUMENT', { dataDir: 'x', checkpointEvery: 5 }],
    [
      'wal.segmentSize not a multiple of 4096',
      'ERR_CORELANE_OUT_OF_RANGE',
      { dataDir: 'x', wal: { segmentSize: 70_000 } },
    ],
    [
      'wal.zeroAheadBytes past the segment',
      'ERR_CORELANE_OUT_OF_RANGE',
      { dataDir: 'x', wal: { segmentSize: 65_536, zeroAheadBytes: 65_537 } },
    ],
    ['wal.zeroAheadBytes negative', 'ERR_CORELANE_OUT_OF_RANGE', { dataDir: 'x', wal: { zeroAheadBytes: -1 } }],
    ['wal.maxGroupsInFlight 9', 'ERR_CORELANE_OUT_OF_RANGE', { dataDir: 'x', wal: { maxGroupsInFlight: 9 } }],
    [
      "wal.maxGroupsInFlight 2 without 'always'",
      'ERR_CORELANE_OUT_OF_RANGE',
      { dataDir: 'x', fsync: 'interval', wal: { maxGroupsInFlight: 2 } },
    ],
  ];
  for (const [name, code, options] of cases) {
    it(`${name}: ${code}, no worker, no directory`, async () => {
      const dataDir = typeof options.dataDir === 'string' ? freshDir() : options.dataDir;
      const before = await nextThreadId();
      await expect(
        Runtime.start({ module: COUNTER, cores: 1, pin: false, ...options, dataDir } as never),
      ).rejects.toMatchObject({ code });
      expect(await nextThreadId()).toBe(before + 1);
      if (typeof dataDir === 'string') expect(existsSync(dataDir)).toBe(false);
    });
  }
});

/** The id the next worker thread gets: ids count up per process, so a gap means a worker was started. */
async function nextThreadId(): Promise<number> {
  const { Worker } = await import('node:worker_threads');
  const probe = new Worker('', { eval: true });
  const id = probe.threadId;
  await probe.terminate();
  return id;
}
