// Two group commits in flight (maxGroupsInFlight: 2), on both backends: acknowledgements go out
// in sequence order even when the later group's fdatasync finishes first; a failed group fails
// every later group in flight, and the scrub covers all their bytes; recovery cuts a log whose
// group N is missing but whose group N+1 made it to disk (a file written by hand); close()
// waits for both. Rolls and zero-ahead with two in flight are in zero-ahead.test.ts, SIGKILLs
// in kill.test.ts.
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IoRing } from '@corelane/uring';
import { describe, expect, it } from 'vitest';
import { Wal } from '../../src/wal/index.js';
import { backends, payload, readPayload, tempDir } from './helpers.js';

const root = tempDir();
const opts = { segmentSize: 64 * 1024, maxGroupBytes: 4096, zeroAheadBytes: 0, maxGroupsInFlight: 2 } as const;
/** Appends made at once in the tests of order, failure and close: one group, cut in two. */
const N = 160;
/** Groups large enough that N appends are one group. */
const wide = { ...opts, maxGroupBytes: 32 * 1024 } as const;

const eio = () =>
  Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO', errno: -5, syscall: 'fdatasync' });

/**
 * A ring whose first group's fdatasync completes only after the second group's fdatasync did
 * (or 10 s after it is held, when no second group comes: `overlapped` then stays false), and, with
 * `failFirst`, then reports EIO.
 */
function heldFirst(backend: (typeof backends)[number], failFirst: boolean) {
  // A group's durable op: its fdatasync, or its write with `dsync` (a group under 'always').
  type Durable = <R>(done: Promise<R>, n: number) => Promise<R>;
  const ring = new IoRing({ backend });
  const state = { batches: 0, dsyncWrites: 0, overlapped: false, order: [] as number[], onFail: () => {} };
  let releaseFirst: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    releaseFirst = resolve;
  });
  const batch = ring.batch.bind(ring);
  ring.batch = () => {
    const b = batch();
    const n = ++state.batches;
    const durable: Durable = (done, n) => {
      if (n === 1) {
        // The fallback starts with the hold, not with the ring: a slow Wal.open() must not use it up.
        setTimeout(releaseFirst, 10_000).unref();
        return done.then(async (r) => {
          await released;
          state.order.push(1);
          if (failFirst) {
            state.onFail();
            throw eio();
          }
          return r;
        });
      }
      if (n === 2) {
        state.overlapped = true; // submitted while the first group's fdatasync was held
        return done.finally(() => {
          state.order.push(2);
          // Some turns of the event loop later: long enough for the second group to be
          // acknowledged first if the log let it.
          setTimeout(releaseFirst, 50);
        });
      }
      return done;
    };
    const fsync = b.fsync.bind(b);
    b.fsync = (fd, options) => durable(fsync(fd, options), n);
    const write = b.write.bind(b);
    b.write = (fd, buffer, position, options) => {
      const done = write(fd, buffer, position, options);
      if (options?.dsync !== true) return done;
      state.dsyncWrites++;
      return durable(done, n);
    };
    return b;
  };
  return { ring, state };
}

function segmentFile(dir: string): string {
  const name = readdirSync(dir).find((n) => n.endsWith('.wal'));
  if (name === undefined) throw new Error(`no segment in ${dir}`);
  return join(dir, name);
}

describe.each(backends)('two groups in flight on %s', (backend) => {
  // dsync: a group is one write with RWF_DSYNC (the default); else a write linked to an fdatasync.
  it.each([true, false])(
    'acknowledges in sequence order: the later group finishing first acknowledges nothing early (dsync %s)',
    async (dsync) => {
      const { ring, state } = heldFirst(backend, false);
      const dir = join(root, `order-${backend}-${dsync}`);
      const wal = await Wal.open(dir, { ...wide, ring, dsync });
      const resolved: number[] = [];
      const appends = Array.from({ length: N }, (_, i) =>
        wal.append(payload(1, i)).then((seq) => {
          resolved.push(seq);
          return seq;
        }),
      );
      const seqs = await Promise.all(appends);
      expect(state.overlapped).toBe(true); // the second group was in flight with the first
      expect(state.order).toEqual([2, 1]); // and its fdatasync finished first
      expect(seqs).toEqual(Array.from({ length: N }, (_, i) => i + 1));
      expect(resolved).toEqual(seqs); // nothing of the second group resolved before the first
      expect(state.dsyncWrites > 0).toBe(dsync); // the groups went the way this case names
      await wal.close();
      const again = await Wal.open(dir, { ...wide, backend });
      const counters: number[] = [];
      await again.replay(({ data }) => counters.push(readPayload(data)?.counter ?? -1));
      expect(counters).toEqual(Array.from({ length: N }, (_, i) => i));
      await again.close();
      ring.close();
    },
  );

  it.each([true, false])(
    'a failed group fails every later group in flight; the scrub covers both; the log continues (dsync %s)',
    async (dsync) => {
      const { ring, state } = heldFirst(backend, true);
      const dir = join(root, `fail-${backend}-${dsync}`);
      const wal = await Wal.open(dir, { ...wide, ring, dsync });
      // Appends made while the failure is handled (its scrub takes turns of the event loop) must
      // wait for it: they are numbered from the last acknowledged seq + 1, written after the scrub.
      let during: Promise<number>[] = [];
      state.onFail = () =>
        setImmediate(() => {
          during = Array.from({ length: 10 }, (_, i) => wal.append(payload(2, 200 + i)));
        });
      const settled = await Promise.allSettled(Array.from({ length: N }, (_, i) => wal.append(payload(2, i))));
      while (during.length === 0) await new Promise((resolve) => setImmediate(resolve));
      expect(state.overlapped).toBe(true);
      expect(state.order).toEqual([2, 1]); // the second group's chain succeeded, and is rejected anyway
      expect(state.dsyncWrites > 0).toBe(dsync); // the groups went the way this case names
      for (const r of settled) {
        expect(r).toMatchObject({ status: 'rejected', reason: { code: 'ERR_CORELANE_SYSTEM', errnoName: 'EIO' } });
      }
      expect(await Promise.all(during)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
      // What a SIGKILL now would leave: the ten, and nothing of either failed group.
      const crashed = join(root, `fail-crash-${backend}-${dsync}`);
      cpSync(dir, crashed, { recursive: true });
      const copy = await Wal.open(crashed, { ...wide, backend });
      expect(copy.recovery).toMatchObject({ records: 10, tornBytes: 0 });
      await copy.close();
      // The log continues after the last durable byte.
      expect(await wal.append(payload(2, 100))).toBe(11);
      expect(await wal.append(payload(2, 101))).toBe(12);
      await wal.close();
      const again = await Wal.open(dir, { ...wide, backend });
      const counters: number[] = [];
      await again.replay(({ data }) => counters.push(readPayload(data)?.counter ?? -1));
      expect(counters).toEqual([...Array.from({ length: 10 }, (_, i) => 200 + i), 100, 101]);
      expect(again.recovery.tornBytes).toBe(0);
      await again.close();
      ring.close();
    },
  );

  it('close() waits for both groups in flight', async () => {
    const dir = join(root, `close-${backend}`);
    const wal = await Wal.open(dir, { ...wide, backend });
    const appends = Array.from({ length: N }, (_, i) => wal.append(payload(3, i)));
    const closed = wal.close();
    expect(await Promise.all(appends)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    await closed;
    const again = await Wal.open(dir, { ...wide, backend });
    expect(again.recovery).toMatchObject({ records: N, tornBytes: 0 });
    await again.close();
  });

  /** Record `i` of the hand-made logs: 512 bytes, `i` in the first four, the rest `i + 1`. */
  const record = (i: number): Buffer => {
    const out = Buffer.alloc(512, i + 1);
    out.writeUInt32LE(i, 0);
    return out;
  };
  const counterOf = (data: Uint8Array): number => {
    const b = Buffer.from(data);
    return b.equals(record(b.readUInt32LE(0))) ? b.readUInt32LE(0) : -1;
  };

  /**
   * A log of 20 records of 512 B (528 B each with its 16 B header), then damage as a crash with two
   * groups in flight leaves it: group N (records 7..13, 3640 B) zeroed or garbage, group N+1
   * (records 14..20) intact right after it.
   */
  async function crashedWithGap(dir: string, groups: number, garbage: boolean): Promise<{ cut: number; end: number }> {
    const wal = await Wal.open(dir, { ...opts, maxGroupsInFlight: groups, backend });
    for (let i = 0; i < 20; i++) await wal.append(record(i));
    await wal.close();
    const path = segmentFile(dir);
    const file = readFileSync(path);
    const span = 16 + 512;
    const cut = 32 + 6 * span;
    const end = 32 + 20 * span;
    for (let i = cut; i < cut + 7 * span; i++) file[i] = garbage ? (i * 37 + 11) & 0xff : 0;
    writeFileSync(path, file);
    return { cut, end };
  }

  for (const garbage of [false, true]) {
    it(`recovery ends the log at group N when only group N+1 reached the disk (N ${garbage ? 'garbage' : 'zeroed'})`, async () => {
      const dir = join(root, `gap-${garbage}-${backend}`);
      const { end } = await crashedWithGap(dir, 2, garbage);
      const wal = await Wal.open(dir, { ...opts, backend });
      expect(wal.recovery).toMatchObject({ records: 6, lastSeq: 6, truncated: null });
      expect(wal.recovery.tornBytes).toBeGreaterThan(0);
      expect(wal.recovery.tornBytes).toBeLessThanOrEqual(end - (32 + 6 * 528));
      const counters: number[] = [];
      await wal.replay(({ data }) => counters.push(counterOf(data)));
      expect(counters).toEqual([0, 1, 2, 3, 4, 5]); // nothing of group N+1
      expect(await wal.append(payload(4, 99))).toBe(7);
      await wal.close();
    });
  }

  it("the same gap in a log written with one group in flight lies beyond that writer's window: corrupt", async () => {
    const dir = join(root, `gap-one-${backend}`);
    const { cut } = await crashedWithGap(dir, 1, false);
    await expect(Wal.open(dir, { ...opts, maxGroupsInFlight: 1, backend })).rejects.toMatchObject({
      code: 'ERR_CORELANE_WAL_CORRUPT',
      offset: cut,
    });
  });
});

describe('maxGroupsInFlight', () => {
  it('is checked before anything is touched', async () => {
    for (const bad of [0, 9, 1.5, '2']) {
      await expect(Wal.open(join(root, 'bad'), { maxGroupsInFlight: bad as number })).rejects.toMatchObject({
        code: expect.stringMatching(/^ERR_CORELANE_(OUT_OF_RANGE|INVALID_ARGUMENT)$/),
      });
    }
    await expect(Wal.open(join(root, 'bad'), { fsync: 'interval', maxGroupsInFlight: 2 })).rejects.toMatchObject({
      code: 'ERR_CORELANE_OUT_OF_RANGE',
    });
    expect(readdirSync(root)).not.toContain('bad');
  });
});
