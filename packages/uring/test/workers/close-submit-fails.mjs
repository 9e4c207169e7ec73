// Child process: close() on an io_uring ring whose submits fail (src/faults.ts), argv[3] of
// them, while a read blocked on an empty pipe is in flight and another read has completed but
// was not reaped yet. close() must still cancel the blocked read, report the finished one with
// its bytes, and return. argv[2] is a scratch directory. Prints one JSON line; hangs if close()
// does.
import { execFileSync } from 'node:child_process';
import { openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { IoRing } from '@corelane/uring';

const faults = new Int32Array(new SharedArrayBuffer(16));
// Without DEFER_TASKRUN a completion reaches the completion queue without this thread reaping.
const ring = new IoRing({ backend: 'io_uring', deferTaskrun: false, [Symbol.for('corelane.uring.faults')]: faults });
const [blocked, ready] = [0, 1].map((i) => {
  const path = join(process.argv[2], `close-submit-fails-${process.pid}-${i}`);
  execFileSync('mkfifo', [path]);
  return openSync(path, 'r+');
});
const buffers = [Buffer.alloc(8), Buffer.alloc(8)];
const outcome = (p) =>
  p.then(
    (n) => n,
    (e) => e.code,
  );
const reads = [outcome(ring.read(blocked, buffers[0], null)), outcome(ring.read(ready, buffers[1], null))];
ring.submit();
writeSync(ready, Buffer.from('seq00001'));
execFileSync('true'); // system calls on this thread: the read's completion is posted meanwhile
faults[0] = Number(process.argv[3]); // submitFailures
ring.close();
const result = { closed: ring.closed, reads: await Promise.all(reads) };
writeSync(blocked, Buffer.alloc(8, 1)); // too late for the cancelled read
result.blockedUntouched = buffers[0].every((x) => x === 0);
result.ready = buffers[1].toString();
console.log(JSON.stringify(result));
