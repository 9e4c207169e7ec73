// Worker: leaves long ops in flight on its ring and tells the parent, which terminates it. The
// env cleanup hook must cancel them and wait for the kernel before the worker's memory goes.
import { parentPort, workerData } from 'node:worker_threads';
import { IoRing } from '@corelane/uring';

const ring = new IoRing({ backend: workerData.backend });
const fd = await ring.open(workerData.path, 'r');
for (let i = 0; i < 32; i++) {
  ring.timeout(60_000).catch(() => {});
  ring.read(fd, Buffer.alloc(4096), (i * 4096) % 65_536).catch(() => {});
}
ring.submit();
parentPort.postMessage({ inFlight: ring.inFlight });
