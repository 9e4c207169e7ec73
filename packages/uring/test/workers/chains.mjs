// Worker: submits write + fdatasync chains back to back (each settled before the next), so a
// terminate() lands while it submits, settles or waits: the parent terminates it at a random
// moment. Its ring is torn down by the environment's cleanup, not by close().
import { openSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { IoRing } from '@corelane/uring';

const ring = new IoRing({ backend: workerData.backend, deferTaskrun: false, quietLinks: workerData.quietLinks });
const fd = openSync(workerData.path, 'r+');
const record = Buffer.alloc(128, 7);
let chains = 0;
for (;;) {
  const batch = ring.batch();
  const written = batch.write(fd, record, (chains % 512) * 128, { link: true });
  const synced = batch.fsync(fd, { dataOnly: true });
  batch.submit();
  await Promise.all([written, synced]);
  if (++chains === 8) parentPort.postMessage('busy');
}
