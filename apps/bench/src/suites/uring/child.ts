// Runs one fs.promises sample in a child process with UV_USE_IO_URING=1, so libuv sends file
// operations through its own io_uring (off by default since CVE-2024-22017).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { workerScript } from '../../harness/worker.js';

/** The child's request: one sample of one workload. */
export type ChildRequest =
  | { kind: 'randread'; path: string; medium: 'disk' | 'shm'; depth: number; ms: number }
  | { kind: 'seqwrite'; path: string; syncEvery: number; ms: number };

/** One sample measured inside a fresh `node` with UV_USE_IO_URING=1 (start-up not counted). */
export function uvUringSample(request: ChildRequest): Promise<number> {
  const script = fileURLToPath(workerScript('uring-fs-promises'));
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [script, JSON.stringify(request)],
      { env: { ...process.env, UV_USE_IO_URING: '1' }, timeout: request.ms + 30_000 },
      (error, stdout) => {
        if (error) return reject(error);
        const value = Number(stdout.trim());
        if (!(value > 0)) return reject(new Error(`the UV_USE_IO_URING child printed ${JSON.stringify(stdout)}`));
        resolve(value);
      },
    );
  });
}
