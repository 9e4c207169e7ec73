// The log's contract on both uring backends: appends are numbered in call order, replay hands
// every record back intact and in order (across segment rolls and reopens), truncateBefore
// drops whole segments only, and bad input throws a typed error before anything is touched.
import { join } from 'node:path';
import { IoRing } from '@corelane/uring';
import { describe, expect, it } from 'vitest';
import { Wal } from '../../src/wal/index.js';
import { backends, payload, readPayload, tempDir } from './helpers.js';

const root = tempDir();
const SEGMENT = 64 * 1024;

async function replayAll(wal: Wal, from?: number): Promise<{ seq: number; tag: number; counter: number }[]> {
  const out: { seq: number; tag: number; counter: number }[] = [];
  await wal.replay(
    ({ seq, data }) => {
      const p = readPayload(data);
      if (p === null) throw new Error(`record ${seq} is damaged`);
      out.push({ seq, ...p });
    },
    from === undefined ? undefined : { from },
  );
  return out;
}

describe.each(backends)('Wal on %s', (backend) => {
  it("a record's data is one view however often the callback reads it", async () => {
    const dir = join(root, `one-view-${backend}`);
    const wal = await Wal.open(dir, { backend, segmentSize: SEGMENT });
    await Promise.all(Array.from({ length: 20 }, (_, i) => wal.append(payload(2, i))));
    let records = 0;
    await wal.replay((record) => {
      const first = record.data;
      expect(record.data).toBe(first);
      expect(readPayload(first)?.counter).toBe(records);
      records++;
    });
    expect(records).toBe(20);
    await wal.close();
  });

  it('numbers appends in call order and replays them intact, across segments and reopens', async () => {
    const dir = join(root, `order-${backend}`);
    const wal = await Wal.open(dir, { backend, segmentSize: SEGMENT });
    expect(wal.backend).toBe(backend);
    const seqs = await Promise.all(Array.from({ length: 3000 }, (_, i) => wal.append(payload(1, i))));
    expect(seqs).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1));
    expect(wal.segments).toBeGreaterThan(3); // ~130 B records in 64 KiB segments: it rolled
    await wal.close();

    const again = await Wal.open(dir, { backend, segmentSize: SEGMENT });
    expect(again.recovery).toMatchObject({ records: 3000, tornBytes: 0, lastSeq: 3000, truncated: null });
    const records = await replayAll(again);
    expect(records.map((r) => r.seq)).toEqual(seqs);
    expect(records.map((r) => r.counter)).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    expect((await replayAll(again, 2500)).map((r) => r.seq)).toEqual(seqs.slice(2499));
    expect(await again.append(payload(2, 0))).toBe(3001);
    await again.close();
  });

  it('replays records across its read chunks: cut by a chunk, larger than one, verified at open or appended since', async () => {
    const dir = join(root, `chunks-${backend}`);
    const size = (i: number) => (i % 400 === 7 ? 1024 * 1024 + 4096 * (i % 3) + i : (i * 977) % 5000);
    const record = (i: number) => {
      const out = Buffer.alloc(size(i));
      for (let j = 0; j < out.length; j += 61) out[j] = (i * 7 + j) & 0xff;
      if (out.length >= 4) out.writeUInt32LE(i, 0);
      return out;
    };
    const options = { backend, fsync: 'none', segmentSize: 4 * 1024 * 1024 } as const;
    const wal = await Wal.open(dir, options);
    await Promise.all(Array.from({ length: 1500 }, (_, i) => wal.append(record(i))));
    await wal.close();
    const again = await Wal.open(dir, options);
    await Promise.all(Array.from({ length: 1500 }, (_, i) => again.append(record(1500 + i))));
    expect(again.segments).toBeGreaterThan(2);
    let next = 0;
    const kept: { seq: number }[] = [];
    const result = await again.replay((r) => {
      kept.push(r); // a record kept past its callback keeps its seq
      const { seq, data } = r;
      expect(seq).toBe(next + 1);
      expect(Buffer.from(data.buffer, data.byteOffset, data.byteLength).equals(record(next)), `record ${seq}`).toBe(
        true,
      );
      next++;
    });
    expect(next).toBe(3000);
    expect(result.records).toBe(3000);
    expect(kept.map((r) => r.seq)).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1));
    await again.close();
  });

  it('truncateBefore drops only segments wholly before seq, never the newest', async () => {
    const dir = join(root, `truncate-${backend}`);
    const wal = await Wal.open(dir, { backend, segmentSize: SEGMENT });
    await Promise.all(Array.from({ length: 2000 }, (_, i) => wal.append(payload(3, i))));
    const before = wal.segments;
    const removed = await wal.truncateBefore(1000);
    expect(removed).toBeGreaterThan(0);
    expect(wal.segments).toBe(before - removed);
    expect(wal.firstSeq).toBeLessThanOrEqual(1000);
    const records = await replayAll(wal);
    expect(records[0]?.seq).toBe(wal.firstSeq);
    expect(records.at(-1)?.seq).toBe(2000);
    const left = wal.segments;
    expect(await wal.truncateBefore(1_000_000)).toBe(left - 1);
    expect(wal.segments).toBe(1);
    expect(wal.firstSeq).toBeLessThanOrEqual(2000); // the newest segment, with seq 2000 in it, stays
    await wal.close();
    const again = await Wal.open(dir, { backend, segmentSize: SEGMENT });
    expect(again.firstSeq).toBe(wal.firstSeq);
    expect(await again.append(payload(3, 2000))).toBe(2001);
    await again.close();
  });

  it.each([
    [false, ['write', 'fdatasync', 'submit']],
    [true, ['write(dsync)', 'submit']],
  ])(
    'one group is one write and one fdatasync (or one write with RWF_DSYNC); appends made while it is in flight form the next (dsync %s)',
    async (dsync, group) => {
      const ring = new IoRing({ backend });
      const ops: string[] = [];
      const batch = ring.batch.bind(ring);
      ring.batch = () => {
        const b = batch();
        const write = b.write.bind(b);
        const fsync = b.fsync.bind(b);
        b.write = (...args: Parameters<typeof b.write>) => {
          ops.push(args[3]?.dsync === true ? 'write(dsync)' : 'write');
          return write(...args);
        };
        b.fsync = (...args: Parameters<typeof b.fsync>) => {
          ops.push('fdatasync');
          return fsync(...args);
        };
        const submit = b.submit.bind(b);
        b.submit = () => {
          ops.push('submit');
          return submit();
        };
        return b;
      };
      // Zero-ahead off: its background writes of zeros would be counted too (zero-ahead.test.ts).
      // One group in flight (the default, said here): with two, a group that finds none in flight
      // is cut in two (pipeline.test.ts).
      const wal = await Wal.open(join(root, `group-${backend}-${dsync}`), {
        ring,
        segmentSize: SEGMENT,
        zeroAheadBytes: 0,
        maxGroupsInFlight: 1,
        dsync,
      });
      const first = Array.from({ length: 256 }, (_, i) => wal.append(payload(4, i)));
      // The first group is submitted at the end of this turn of the event loop; what is appended
      // after that, while it is in flight (or after it completed), goes into one more group.
      await new Promise((resolve) => setImmediate(resolve));
      expect(ops).toEqual(group);
      const second = Array.from({ length: 100 }, (_, i) => wal.append(payload(4, 256 + i)));
      expect(await Promise.all(first)).toEqual(Array.from({ length: 256 }, (_, i) => i + 1));
      expect(await Promise.all(second)).toEqual(Array.from({ length: 100 }, (_, i) => 257 + i));
      expect(ops).toEqual([...group, ...group]);
      await wal.close();
      expect(ring.destroyed).toBe(false); // a ring it was given stays open
      ring.destroy();
    },
  );

  it('an append with nothing in flight is submitted before the event loop turns; the appends its acknowledgement wakes form one group', async () => {
    const ring = new IoRing({ backend });
    const wal = await Wal.open(join(root, `lone-${backend}`), {
      ring,
      segmentSize: SEGMENT,
      zeroAheadBytes: 0, // its background batches would be counted too
      maxGroupsInFlight: 1,
    });
    let submits = 0;
    const batch = ring.batch.bind(ring);
    ring.batch = () => {
      const b = batch();
      const submit = b.submit.bind(b);
      b.submit = () => {
        submits++;
        return submit();
      };
      return b;
    };
    const lone = wal.append(payload(9, 0));
    // Microtasks only: no setImmediate, no I/O callback can run in between.
    await Promise.resolve();
    await Promise.resolve();
    expect(submits).toBe(1);
    expect(await lone).toBe(1);
    // 64 lanes, each awaiting 5 appends one after another: the first 64 are made in one turn
    // (one group), and each acknowledgement wakes all 64, whose next appends form one group.
    submits = 0;
    const lanes = Array.from({ length: 64 }, async (_, lane) => {
      const seqs: number[] = [];
      for (let round = 0; round < 5; round++) seqs.push(await wal.append(payload(9, 1 + round * 64 + lane)));
      return seqs;
    });
    const seqs = (await Promise.all(lanes)).flat().sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 320 }, (_, i) => i + 2));
    expect(submits).toBe(5);
    const records = await replayAll(wal);
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 321 }, (_, i) => i + 1));
    expect(records.every((r) => r.tag === 9)).toBe(true);
    await wal.close();
    ring.close();
  });

  it.each(['interval', 'none'] as const)(
    "fsync: '%s' acknowledges, syncs on sync() and close(), and replays",
    async (fsync) => {
      const dir = join(root, `${fsync}-${backend}`);
      const wal = await Wal.open(dir, {
        backend,
        fsync,
        segmentSize: SEGMENT,
        ...(fsync === 'interval' ? { intervalMs: 5 } : {}),
      });
      await Promise.all(Array.from({ length: 500 }, (_, i) => wal.append(payload(5, i))));
      await wal.sync();
      await Promise.all(Array.from({ length: 500 }, (_, i) => wal.append(payload(5, 500 + i))));
      await wal.close();
      const again = await Wal.open(dir, { backend, segmentSize: SEGMENT });
      expect((await replayAll(again)).map((r) => r.counter)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
      await again.close();
    },
  );
});

describe('Wal arguments', () => {
  it('throws typed errors before touching anything', async () => {
    const dir = join(root, 'args');
    await expect(Wal.open('', {})).rejects.toMatchObject({ code: 'ERR_CORELANE_INVALID_ARGUMENT' });
    await expect(Wal.open(dir, { fsync: 'sometimes' as never })).rejects.toMatchObject({
      code: 'ERR_CORELANE_OUT_OF_RANGE',
    });
    await expect(Wal.open(dir, { segmentSize: 1000 })).rejects.toBeInstanceOf(RangeError);
    await expect(Wal.open(dir, { segmentSize: 65 * 1024 + 1 })).rejects.toMatchObject({
      code: 'ERR_CORELANE_OUT_OF_RANGE',
    });
    await expect(Wal.open(dir, { fsync: 'always', intervalMs: 10 })).rejects.toMatchObject({
      code: 'ERR_CORELANE_OUT_OF_RANGE',
    });
    await expect(Wal.open(dir, { segmentSize: SEGMENT, zeroAheadBytes: SEGMENT + 1 })).rejects.toMatchObject({
      code: 'ERR_CORELANE_OUT_OF_RANGE',
    });
    await expect(Wal.open(dir, { zeroAheadBytes: -1 })).rejects.toBeInstanceOf(RangeError);
    const wal = await Wal.open(dir, { segmentSize: SEGMENT });
    expect(() => wal.append('text' as never)).toThrow(
      expect.objectContaining({ code: 'ERR_CORELANE_INVALID_ARGUMENT' }),
    );
    expect(() => wal.append(new Uint8Array(SEGMENT))).toThrow(
      expect.objectContaining({ code: 'ERR_CORELANE_RECORD_TOO_LARGE' }),
    );
    await expect(wal.truncateBefore(-1)).rejects.toBeInstanceOf(RangeError);
    await expect(wal.replay(null as never)).rejects.toMatchObject({ code: 'ERR_CORELANE_INVALID_ARGUMENT' });
    expect(await wal.append(new Uint8Array(0))).toBe(1); // an empty record is a record
    await wal.close();
    await wal.close();
    expect(() => wal.append(new Uint8Array(1))).toThrow(expect.objectContaining({ code: 'ERR_CORELANE_CLOSED' }));
    await expect(wal.sync()).rejects.toMatchObject({ code: 'ERR_CORELANE_CLOSED' });
    const again = await Wal.open(dir, { segmentSize: SEGMENT });
    expect(again.lastSeq).toBe(1);
    await again.close();
  });
});
