// Child process: close() on a ring whose kernel refuses IORING_ASYNC_CANCEL_ANY (as Linux before
// 5.19 does, with EINVAL), forced through the package's fault injection (src/faults.ts). Reads
// blocked on empty pipes and long timeouts are in flight; close() must cancel them one by one
// and return. argv[2] is a scratch directory. Prints one JSON line; hangs if close() does.
import { execFileSync } from 'node:child_process';
import { openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { IoRing } from '@corelane/uring';

const faults = new Int32Array(new SharedArrayBuffer(16));
faults[3] = 1; // cancelAnyRefused
const ring = new IoRing({ backend: 'io_uring', [Symbol.for('corelane.uring.faults')]: faults });
const pipes = [0, 1, 2, 3].map((i) => {
  const path = join(process.argv[2], `cancel-any-${process.pid}-${i}`);
  execFileSync('mkfifo', [path]);
  return openSync(path, 'r+');
});
const buffers = pipes.map(() => Buffer.alloc(8));
const reads = pipes.map((fd, i) => ring.read(fd, buffers[i], null));
const timeouts = [0, 1, 2, 3].map(() => ring.timeout(600_000));
ring.submit();
ring.close();
const code = async (p) =>
  p.then(
    () => 'fulfilled',
    (e) => e.code,
  );
const result = {
  closed: ring.closed,
  reads: await Promise.all(reads.map(code)),
  timeouts: await Promise.all(timeouts.map(code)),
};
for (const fd of pipes) writeSync(fd, Buffer.alloc(8, 1)); // too late for any cancelled read
result.buffersUntouched = buffers.every((b) => b.every((x) => x === 0));
console.log(JSON.stringify(result));
