// The few I/O patterns the WAL needs, over an IoRing: write-then-fdatasync as one linked
// submission (with the short-write repair that makes its errno visible), full reads in chunks,
// and the directory fsync that makes a create, rename or unlink durable.
import { constants } from 'node:fs';
import type { IoRing } from '@corelane/uring';

/** One write of a chain. */
export interface WriteChunk {
  bytes: Uint8Array;
  position: number;
}

/** An EIO for a call that returned without an error but short of what the log needs (reported as its cause). */
export function eio(message: string, syscall: string): Error {
  return Object.assign(new Error(message), { code: 'EIO', errno: -5, syscall });
}

/** Writes all of `bytes` at `position`, one write after another until done; throws the errno of a failed one. */
export async function writeFully(ring: IoRing, fd: number, bytes: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const n = await ring.write(fd, bytes.subarray(done), position + done);
    // A write that makes no progress without an error would loop forever: report it as EIO's cause.
    if (n <= 0) throw eio('write made no progress', 'write');
    done += n;
  }
}

/**
 * The group commit's submission: every chunk written, then (with `sync`) one fdatasync, all
 * linked in one `ring.batch()` so one system call hands them to the kernel and the fdatasync
 * starts only once every write succeeded in full (IOSQE_IO_LINK). A short write (EFBIG at
 * RLIMIT_FSIZE, ENOSPC part way) breaks the chain: the rest of that chunk is written again on
 * its own, which either completes it or fails with the errno that explains the shortfall, then
 * the remaining chunks and the fdatasync run one by one.
 */
export async function writeAndSync(
  ring: IoRing,
  fd: number,
  chunks: WriteChunk[],
  sync: boolean,
  dsync = false,
): Promise<void> {
  if (sync && dsync && chunks.length === 1) return writeDsync(ring, fd, chunks[0] as WriteChunk);
  const batch = ring.batch();
  const writes = chunks.map((c, i) => batch.write(fd, c.bytes, c.position, { link: sync || i < chunks.length - 1 }));
  const synced = sync ? batch.fsync(fd, { dataOnly: true }) : undefined;
  batch.submit();
  if (synced !== undefined) {
    // The common case in one await: the fdatasync ran, so every write before it in the chain
    // succeeded in full (a link starts only then), and their promises resolve too. Any other
    // outcome takes the full analysis below, which awaits each op.
    try {
      await synced;
      return;
    } catch {}
  }
  const results = await Promise.allSettled(writes);
  const syncResult = synced === undefined ? undefined : (await Promise.allSettled([synced]))[0];
  let broken = false;
  for (let i = 0; i < chunks.length; i++) {
    const chunk = chunks[i] as WriteChunk;
    const result = results[i] as PromiseSettledResult<number>;
    if (broken) {
      await writeFully(ring, fd, chunk.bytes, chunk.position);
    } else if (result.status === 'rejected') {
      throw result.reason; // a write failed: the links after it were cancelled (ECANCELED)
    } else if (result.value < chunk.bytes.length) {
      await writeFully(ring, fd, chunk.bytes.subarray(result.value), chunk.position + result.value);
      broken = true;
    }
  }
  if (syncResult === undefined) return;
  if (broken) await ring.fsync(fd, { dataOnly: true });
  else if (syncResult.status === 'rejected') throw syncResult.reason;
}

/**
 * One chunk written durably as one operation: a write with RWF_DSYNC (submitted synchronously,
 * as `writeAndSync`'s chain), which completes only once its bytes, and the metadata needed to
 * read them back, are on stable storage: what a write followed by an fdatasync guarantees for
 * them. A short write made its written part durable; the rest is written, then fdatasync'ed.
 */
async function writeDsync(ring: IoRing, fd: number, chunk: WriteChunk): Promise<void> {
  const batch = ring.batch();
  const written = batch.write(fd, chunk.bytes, chunk.position, { dsync: true });
  batch.submit();
  const n = await written;
  if (n >= chunk.bytes.length) return;
  await writeFully(ring, fd, chunk.bytes.subarray(n), chunk.position + n);
  await ring.fsync(fd, { dataOnly: true });
}

/** Reads `bytes[start, end)` from `fd` at the same offsets, `depth` chunks in flight; returns the bytes read (less at end of file). */
export async function readRange(
  ring: IoRing,
  fd: number,
  bytes: Uint8Array,
  start: number,
  end: number,
  chunk = 1024 * 1024,
  depth = 4,
): Promise<number> {
  let next = start;
  let eof = end;
  const lane = async (): Promise<void> => {
    while (next < eof) {
      const at = next;
      const stop = Math.min(at + chunk, eof);
      next = stop;
      let done = at;
      while (done < stop) {
        const n = await ring.read(fd, bytes.subarray(done, stop), done);
        if (n === 0) {
          eof = Math.min(eof, done);
          break;
        }
        done += n;
      }
    }
  };
  await Promise.all(Array.from({ length: depth }, lane));
  return eof - start;
}

/** fsync of the directory itself: what makes a file's creation, rename or removal durable. */
export async function syncDir(ring: IoRing, dir: string): Promise<void> {
  const fd = await ring.open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await ring.fsync(fd);
  } finally {
    await ring.closeFile(fd);
  }
}

/** Sets a file's size and makes every byte after `length` read as zero up to `size` again (unwritten, preallocated). */
export async function cutAndPreallocate(ring: IoRing, fd: number, length: number, size: number): Promise<void> {
  await ring.ftruncate(fd, length);
  await preallocate(ring, fd, size);
  await ring.fsync(fd);
}

/** Reserves `size` bytes for the file (fallocate), or sets its size where the file system cannot (EOPNOTSUPP). */
export async function preallocate(ring: IoRing, fd: number, size: number): Promise<void> {
  try {
    await ring.fallocate(fd, 0, size);
  } catch (error) {
    if ((error as { code?: string }).code !== 'EOPNOTSUPP') throw error;
    await ring.ftruncate(fd, size);
  }
}
