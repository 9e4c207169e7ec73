// The peers: fs.promises with a write + fdatasync per append (what a log without group commit
// does), fio writing and fdatasync'ing every block (the native ceiling of the same pattern),
// and fs.promises reading the log's files sequentially (the ceiling of a replay).
import { execFile } from 'node:child_process';
import { type FileHandle, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { appendLoop } from './workload.js';

/** An append-only file written through fs.promises: each append is a write at the end, then datasync(). */
export async function fsAppender(
  dir: string,
): Promise<{ append: (bytes: Uint8Array) => Promise<void>; close: () => Promise<void> }> {
  const handle: FileHandle = await open(join(dir, 'fs-promises.log'), 'w');
  let end = 0;
  return {
    append: async (bytes) => {
      const at = end;
      end += bytes.length;
      await handle.write(bytes, 0, bytes.length, at);
      await handle.datasync();
    },
    close: () => handle.close(),
  };
}

/** One sample of fs.promises appenders: appends per second. */
export function fsAppendSample(
  append: (bytes: Uint8Array) => Promise<void>,
  bytes: Uint8Array,
  appenders: number,
  ms: number,
): Promise<number> {
  return appendLoop(appenders, ms, () => append(bytes));
}

/**
 * One fio sample: `--rw=write --fdatasync=1` at block size `bs` and queue depth `depth`
 * (io_uring engine, as ours), over a 64 MiB file that wraps around: writes per second, each
 * followed by an fdatasync.
 */
export function fioSample(path: string, bs: number, depth: number, ms: number): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile(
      'fio',
      [
        '--name=wal',
        `--filename=${path}`,
        '--rw=write',
        `--bs=${bs}`,
        '--fdatasync=1',
        `--iodepth=${depth}`,
        '--ioengine=io_uring',
        '--size=64M',
        `--runtime=${ms}ms`,
        '--time_based',
        '--output-format=json',
      ],
      { timeout: ms + 30_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout) => {
        if (error) return reject(error);
        const job = JSON.parse(stdout.slice(stdout.indexOf('{'))).jobs?.[0];
        const iops = job?.write?.iops;
        if (!(iops > 0)) return reject(new Error(`fio reported no writes: ${stdout.slice(0, 200)}`));
        resolve(iops as number);
      },
    );
  });
}

/** Reads `files` (path and bytes to read) sequentially in 1 MiB chunks; returns bytes per second. */
export async function fsSequentialRead(files: { path: string; bytes: number }[]): Promise<number> {
  const buffer = Buffer.alloc(1024 * 1024);
  let total = 0;
  const start = performance.now();
  for (const { path, bytes } of files) {
    const handle = await open(path, 'r');
    try {
      for (let at = 0; at < bytes; ) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, bytes - at), at);
        if (bytesRead === 0) break;
        at += bytesRead;
        total += bytesRead;
      }
    } finally {
      await handle.close();
    }
  }
  return total / ((performance.now() - start) / 1000);
}

/** Reads every file whole (fs.promises.readFile); returns the milliseconds it took. */
export async function fsReadAll(paths: string[]): Promise<number> {
  const start = performance.now();
  for (const path of paths) await readFile(path);
  return performance.now() - start;
}
