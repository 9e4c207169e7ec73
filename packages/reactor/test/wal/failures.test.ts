// What a failed group leaves behind, and when each policy syncs, on both backends. A ring
// wrapper injects the failure (an fdatasync that reports EIO after its write reached the file)
// and counts the fdatasyncs the log asks for.
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { IoRing } from '@corelane/uring';
import { describe, expect, it } from 'vitest';
import { Wal } from '../../src/wal/index.js';
import { backends, payload, readPayload, tempDir } from './helpers.js';

const root = tempDir();

/**
 * A ring whose syncs are counted: fdatasyncs, and writes with `dsync` (a group under 'always');
 * `failNext` makes the next one of a descriptor that carries records reject with EIO once it
 * ran (zero-ahead syncs a descriptor of its own, which only ever gets zeros).
 */
function instrumented(backend: (typeof backends)[number]): {
  ring: IoRing;
  syncs: () => number;
  dsyncWrites: () => number;
  failNext: () => void;
} {
  const ring = new IoRing({ backend });
  let syncs = 0;
  let dsyncWrites = 0;
  let fail = false;
  /** Descriptors that were given a record (any non-zero byte). */
  const records = new Set<number>();
  const eio = (syscall: string) =>
    Object.assign(new Error(`EIO: i/o error, ${syscall}`), { code: 'EIO', errno: -5, syscall });
  const counted = <R>(fd: number, done: Promise<R>, syscall: string): Promise<R> => {
    syncs++;
    if (!fail || !records.has(fd)) return done;
    fail = false;
    return done.then(() => Promise.reject(eio(syscall)));
  };
  const wrap = <T extends { fsync: IoRing['fsync']; write: IoRing['write'] }>(target: T): T => {
    const fsync = target.fsync.bind(target);
    target.fsync = (fd, options) => counted(fd, fsync(fd, options), 'fdatasync');
    const write = target.write.bind(target);
    target.write = (fd, buffer, position, options) => {
      const view = buffer as ArrayBufferView;
      if (new Uint8Array(view.buffer, view.byteOffset, view.byteLength).some((b) => b !== 0)) records.add(fd);
      const done = write(fd, buffer, position, options);
      if (options?.dsync !== true) return done;
      dsyncWrites++;
      return counted(fd, done, 'write');
    };
    return target;
  };
  wrap(ring);
  const closeFile = ring.closeFile.bind(ring);
  ring.closeFile = (fd) => {
    records.delete(fd); // its number goes to the next file opened
    return closeFile(fd);
  };
  const batch = ring.batch.bind(ring);
  ring.batch = () => wrap(batch());
  return { ring, syncs: () => syncs, dsyncWrites: () => dsyncWrites, failNext: () => (fail = true) };
}

async function until(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !predicate(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!predicate()) throw new Error(`${what} did not happen in 5 s`);
}

describe.each(backends)('failures and policies on %s', (backend) => {
  // dsync: a group is one write with RWF_DSYNC (the default); else a write linked to an fdatasync.
  it.each([true, false])(
    'a group whose sync failed is rejected with errno, and none of its records is ever replayed (dsync %s)',
    async (dsync) => {
      const { ring, failNext, dsyncWrites } = instrumented(backend);
      const dir = join(root, `eio-${backend}-${dsync}`);
      const wal = await Wal.open(dir, { ring, segmentSize: 64 * 1024, dsync });
      failNext();
      // Ten records reach the file, then the fdatasync "fails": all ten are rejected.
      const rejected = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => wal.append(payload(1, i))));
      for (const r of rejected) {
        expect(r).toMatchObject({
          status: 'rejected',
          reason: { code: 'ERR_CORELANE_SYSTEM', errno: -5, errnoName: 'EIO' },
        });
      }
      // The next append takes seq 1 again, at the same offset and with the same length as the
      // first rejected record: the rejected records 2..10 would follow it intact if the failed
      // group's bytes were left in the file.
      expect(await wal.append(payload(1, 0))).toBe(1);
      expect(dsyncWrites() > 0).toBe(dsync); // the groups went the way this case names
      await wal.close();
      const again = await Wal.open(dir, { ring, segmentSize: 64 * 1024 });
      const replayed: number[] = [];
      await again.replay(({ data }) => replayed.push(readPayload(data)?.counter ?? -1));
      expect(replayed).toEqual([0]);
      expect(again.recovery.tornBytes).toBe(0);
      await again.close();
      ring.destroy();
    },
  );

  it.each([true, false])(
    'a rejected group is not in the log, neither after close() nor after a crash right after the rejection (dsync %s)',
    async (dsync) => {
      const { ring, failNext } = instrumented(backend);
      const dir = join(root, `eio-close-${backend}-${dsync}`);
      const wal = await Wal.open(dir, { ring, segmentSize: 64 * 1024, dsync });
      expect(await wal.append(payload(6, 0))).toBe(1);
      failNext();
      const rejected = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => wal.append(payload(6, 1 + i))));
      expect(rejected.every((r) => r.status === 'rejected')).toBe(true);
      // A SIGKILL now keeps what the page cache holds: a copy of the directory is what a restart sees.
      const crashed = join(root, `eio-crash-${backend}-${dsync}`);
      cpSync(dir, crashed, { recursive: true });
      await wal.close(); // no append after the failure: nothing else covers its bytes
      for (const at of [dir, crashed]) {
        const again = await Wal.open(at, { ring, segmentSize: 64 * 1024 });
        const replayed: number[] = [];
        await again.replay(({ data }) => replayed.push(readPayload(data)?.counter ?? -1));
        expect(replayed, at).toEqual([0]);
        expect(again.lastSeq).toBe(1);
        await again.close();
      }
      ring.destroy();
    },
  );

  it("'interval': a failed fdatasync of acknowledged appends fails the log for good, never a later sync", async () => {
    // After an fdatasync error the kernel may have dropped the dirty pages, and the next fdatasync
    // succeeds: acknowledged appends could be gone with no one told. The log must stay failed.
    const { ring, syncs, failNext } = instrumented(backend);
    const dir = join(root, `interval-eio-${backend}`);
    const wal = await Wal.open(dir, { ring, fsync: 'interval', intervalMs: 10, segmentSize: 64 * 1024 });
    await Promise.all(Array.from({ length: 10 }, (_, i) => wal.append(payload(7, i))));
    const before = syncs();
    failNext();
    await until(() => syncs() > before, "'interval' fdatasync");
    await new Promise((resolve) => setTimeout(resolve, 50)); // later ticks retry it
    const failed = { code: 'ERR_CORELANE_SYSTEM', errno: -5, errnoName: 'EIO' };
    await expect(wal.sync()).rejects.toMatchObject(failed);
    await expect(wal.append(payload(7, 10))).rejects.toMatchObject(failed);
    await expect(wal.close()).rejects.toMatchObject(failed);
    const again = await Wal.open(dir, { ring, segmentSize: 64 * 1024 }); // recovery says what is on disk
    expect(again.lastSeq).toBe(10);
    await again.close();
    ring.destroy();
  });

  it("'interval': the fdatasync that covers a failed group's zeros failing fails the log too", async () => {
    const { ring, failNext } = instrumented(backend);
    const batch = ring.batch.bind(ring);
    let refuse = false; // the next group's submission fails as a whole: ENOSPC, its fdatasync cancelled
    ring.batch = () => {
      if (!refuse) return batch();
      refuse = false;
      const error = (code: string, errno: number, syscall: string) =>
        Promise.reject(Object.assign(new Error(code), { code, errno, syscall }));
      return {
        write: () => error('ENOSPC', -28, 'write'),
        fsync: () => error('ECANCELED', -125, 'fdatasync'),
        submit: () => 0,
      } as unknown as ReturnType<IoRing['batch']>;
    };
    const dir = join(root, `interval-scrub-${backend}`);
    const wal = await Wal.open(dir, { ring, fsync: 'interval', intervalMs: 60_000, segmentSize: 64 * 1024 });
    await Promise.all(Array.from({ length: 5 }, (_, i) => wal.append(payload(9, i)))); // acknowledged, unsynced
    refuse = true;
    failNext(); // the fdatasync after the zeros over the failed group
    await expect(wal.append(payload(9, 5))).rejects.toMatchObject({ errno: -28 });
    await expect(wal.sync()).rejects.toMatchObject({ code: 'ERR_CORELANE_SYSTEM', errno: -5 });
    await wal.close().catch(() => {});
    ring.destroy();
  });

  it('open fdatasyncs the recovered newest segment before anything is replayed from it', async () => {
    // A writer killed between its group's write and fdatasync leaves records only in the page
    // cache; recovery hands them over (DurableState applies them), so they must be made durable
    // first, or a power loss after the restart takes back what was already acted on.
    const { ring, syncs } = instrumented(backend);
    const dir = join(root, `open-sync-${backend}`);
    const wal = await Wal.open(dir, { ring, fsync: 'none', segmentSize: 64 * 1024 });
    await Promise.all(Array.from({ length: 10 }, (_, i) => wal.append(payload(8, i))));
    await wal.close();
    const before = syncs();
    const again = await Wal.open(dir, { ring, segmentSize: 64 * 1024 });
    expect(syncs()).toBeGreaterThan(before);
    expect(again.lastSeq).toBe(10);
    await again.close();
    ring.destroy();
  });

  it('after a roll that failed once the next segment was named, nothing more goes into the old segment', async () => {
    // The new segment's file can exist (renamed) though the roll failed (its directory fsync, say).
    // A later, smaller group that still fits the old segment must not go there: the log would
    // continue in a segment that the next one's name says is over, and recovery refuses that.
    const ring = new IoRing({ backend });
    const rename = ring.rename.bind(ring);
    let failRename = false;
    ring.rename = async (from, to) => {
      await rename(from, to);
      if (!failRename) return;
      failRename = false;
      throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO', errno: -5, syscall: 'rename' });
    };
    const dir = join(root, `roll-${backend}`);
    const wal = await Wal.open(dir, { ring, segmentSize: 64 * 1024 });
    const big = (i: number) => Buffer.alloc(1000, i);
    for (let i = 0; i < 64; i++) await wal.append(big(i)); // 64 × 1016 B: 480 B left
    failRename = true;
    await expect(wal.append(big(64))).rejects.toMatchObject({ code: 'ERR_CORELANE_SYSTEM', errno: -5 });
    expect(await wal.append(Buffer.alloc(100, 65))).toBe(65); // fits the old segment's 480 B
    await wal.close();
    const again = await Wal.open(dir, { ring, segmentSize: 64 * 1024 });
    expect(again.recovery).toMatchObject({ records: 65, lastSeq: 65, truncated: null });
    const firsts: number[] = [];
    await again.replay(({ data }) => firsts.push(data[0] as number));
    expect(firsts).toEqual(Array.from({ length: 66 }, (_, i) => i).filter((i) => i !== 64));
    await again.close();
    ring.destroy();
  });

  it("appends through a ring closed under the log reject with the ring's own code, not ERR_CORELANE_SYSTEM", async () => {
    const ring = new IoRing({ backend });
    const wal = await Wal.open(join(root, `closed-ring-${backend}`), { ring, segmentSize: 64 * 1024 });
    ring.destroy();
    const error = await wal.append(payload(11, 0)).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toMatch(/^ERR_CORELANE_(CLOSED|CANCELLED)$/);
    await wal.close().catch(() => {});
  });

  it("'interval' fdatasyncs by itself after appends; 'none' only at sync() and close()", async () => {
    const interval = instrumented(backend);
    const a = await Wal.open(join(root, `interval-${backend}`), {
      ring: interval.ring,
      fsync: 'interval',
      intervalMs: 20,
    });
    await Promise.all(Array.from({ length: 50 }, (_, i) => a.append(payload(2, i))));
    const afterAppends = interval.syncs();
    await until(() => interval.syncs() > afterAppends, "'interval' fdatasync");
    await a.close();
    interval.ring.destroy();

    const none = instrumented(backend);
    const b = await Wal.open(join(root, `none-${backend}`), { ring: none.ring, fsync: 'none' });
    const atOpen = none.syncs();
    await Promise.all(Array.from({ length: 50 }, (_, i) => b.append(payload(3, i))));
    expect(none.syncs()).toBe(atOpen); // acknowledged without an fdatasync
    await b.sync();
    expect(none.syncs()).toBe(atOpen + 1);
    await b.sync(); // nothing new: no fdatasync
    expect(none.syncs()).toBe(atOpen + 1);
    await b.append(payload(3, 50));
    await b.close();
    expect(none.syncs()).toBe(atOpen + 2);
    none.ring.destroy();
  });
});
