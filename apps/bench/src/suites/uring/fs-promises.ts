// The fs.promises side: the same loops through FileHandle, in this process (libuv's thread pool)
// or in a child process started with UV_USE_IO_URING=1 (libuv's own io_uring path).
import { open } from 'node:fs/promises';
import { type Medium, randomReads, readFlags, syncedWrites } from './workload.js';

/** One sample of random reads through fs.promises: reads per second. */
export async function fsRandomReads(path: string, medium: Medium, depth: number, ms: number): Promise<number> {
  const handle = await open(path, readFlags(medium));
  try {
    return await randomReads(
      async (buffer, position) => {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
        return bytesRead;
      },
      depth,
      ms,
    );
  } finally {
    await handle.close();
  }
}

/** One sample of synced sequential writes through fs.promises: bytes per second. */
export async function fsSyncedWrites(path: string, syncEvery: number, ms: number): Promise<number> {
  const handle = await open(path, 'r+'); // overwrites the laid-out file, as fio does
  try {
    return await syncedWrites(
      async (records, position) => {
        await Promise.all(records.map((r, i) => handle.write(r, 0, r.length, position + i * r.length)));
        await handle.datasync();
      },
      syncEvery,
      ms,
    );
  } finally {
    await handle.close();
  }
}
