// fio --ioengine=io_uring, the native ceiling: the same workloads run by fio in a child process.
import { execFile, spawnSync } from 'node:child_process';

/** Why fio cannot run here, or null when it can (and has the io_uring engine). */
export function fioUnavailable(): string | null {
  const probe = spawnSync('fio', ['--enghelp'], { encoding: 'utf8' });
  if (probe.error) {
    return (probe.error as NodeJS.ErrnoException).code === 'ENOENT'
      ? 'fio is not installed (Debian package fio, listed in scripts/bench-packages.txt)'
      : `fio cannot run: ${probe.error.message}`;
  }
  return /io_uring/.test(probe.stdout) ? null : 'this fio has no io_uring engine';
}

/** The part of fio's JSON job report read here. */
interface FioJob {
  read?: { iops: number; bw_bytes: number };
  write?: { iops: number; bw_bytes: number };
  /** CPU time of the job in user and system mode, in % of its run time (one CPU = 100). */
  usr_cpu?: number;
  sys_cpu?: number;
}

function runFio(args: string[], ms: number): Promise<FioJob> {
  return new Promise((resolve, reject) => {
    execFile(
      'fio',
      [...args, '--ioengine=io_uring', `--runtime=${ms}ms`, '--time_based', '--output-format=json', '--invalidate=0'],
      { timeout: ms + 30_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout) => {
        if (error) return reject(error);
        const job = JSON.parse(stdout.slice(stdout.indexOf('{'))).jobs?.[0];
        if (job === undefined) return reject(new Error('fio reported no job'));
        resolve(job);
      },
    );
  });
}

/**
 * One fio sample of 4 KiB random reads at `depth`: reads per second. fio runs with its defaults
 * otherwise, which match ours: one job and one thread, no registered files or buffers
 * (--registerfiles/--fixedbufs off), no polled I/O (--hipri off), no SQ thread (--sqthread_poll
 * off), iodepth_batch_submit/complete at their defaults, and its random map (each block once per
 * pass) over the same 64 MiB file, opened with O_DIRECT on disk and buffered on /dev/shm.
 */
export async function fioRandomReads(
  path: string,
  direct: boolean,
  depth: number,
  size: number,
  ms: number,
  onCpu?: (share: number) => void,
): Promise<number> {
  const job = await runFio(
    [
      '--name=randread',
      `--filename=${path}`,
      '--rw=randread',
      '--bs=4k',
      `--iodepth=${depth}`,
      `--direct=${direct ? 1 : 0}`,
      `--size=${size}`,
    ],
    ms,
  );
  onCpu?.(((job.usr_cpu ?? 0) + (job.sys_cpu ?? 0)) / 100);
  return job.read?.iops as number;
}

/** One fio sample of 64 KiB sequential writes with fdatasync every `syncEvery`: bytes per second. */
export async function fioSyncedWrites(path: string, syncEvery: number, size: number, ms: number): Promise<number> {
  const job = await runFio(
    [
      '--name=seqwrite',
      `--filename=${path}`,
      '--rw=write',
      '--bs=64k',
      `--iodepth=${syncEvery}`,
      `--fdatasync=${syncEvery}`,
      `--size=${size}`,
    ],
    ms,
  );
  return job.write?.bw_bytes as number;
}
