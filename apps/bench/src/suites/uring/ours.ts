// Our side: the same loops through one IoRing on this thread.
import { constants } from 'node:fs';
import type { IoRing } from '@corelane/uring';
import { FILE_SIZE, type Medium, randomReads, readFlags, syncedWrites } from './workload.js';

/** One sample of random reads through `ring`: reads per second. */
export async function ringRandomReads(
  ring: IoRing,
  path: string,
  medium: Medium,
  depth: number,
  ms: number,
): Promise<number> {
  const fd = await ring.open(path, readFlags(medium));
  try {
    return await randomReads((buffer, position) => ring.read(fd, buffer, position), depth, ms);
  } finally {
    await ring.closeFile(fd);
  }
}

/**
 * One sample of synced sequential writes through `ring`: each group is one batch and one
 * submit: the 64 KiB writes run in parallel, and the fdatasync drains them (IOSQE_IO_DRAIN: it
 * starts once every write before it completed), the WAL's group commit.
 */
export async function ringSyncedWrites(ring: IoRing, path: string, syncEvery: number, ms: number): Promise<number> {
  const fd = await ring.open(path, constants.O_WRONLY); // overwrites the laid-out file, as fio does
  try {
    return await syncedWrites(
      async (records, position) => {
        const batch = ring.batch();
        records.forEach((r, i) => {
          batch.write(fd, r, position + i * r.length);
        });
        const synced = batch.fsync(fd, { dataOnly: true, drain: true });
        batch.submit();
        await synced;
      },
      syncEvery,
      ms,
    );
  } finally {
    await ring.closeFile(fd);
  }
}

/**
 * One sample of a WAL's append with one in flight: a small write linked to an fdatasync, one
 * batch and one submit each, the next only once both completed: appends per second.
 */
export async function ringLinkedAppends(ring: IoRing, path: string, bytes: number, ms: number): Promise<number> {
  const fd = await ring.open(path, constants.O_WRONLY);
  const record = new Uint8Array(new SharedArrayBuffer(bytes)).fill(7);
  try {
    let position = 0;
    let appends = 0;
    const start = performance.now();
    while (performance.now() - start < ms) {
      const batch = ring.batch();
      const written = batch.write(fd, record, position, { link: true });
      const synced = batch.fsync(fd, { dataOnly: true });
      batch.submit();
      await written;
      await synced;
      appends++;
      position = (position + bytes) % FILE_SIZE;
    }
    return appends / ((performance.now() - start) / 1000);
  } finally {
    await ring.closeFile(fd);
  }
}
