// Worker: gets (a structured clone of) the parent's IoRing in workerData and tries to use it;
// reports what happened, then proves this thread's own ring works.
import { parentPort, workerData } from 'node:worker_threads';
import { IoRing } from '@corelane/uring';

const attempt = (fn) => {
  try {
    fn();
    return 'no error';
  } catch (error) {
    return `${error.name}: ${error.message}`;
  }
};

const foreign = workerData.ring;
const report = {
  isIoRing: foreign instanceof IoRing,
  keys: Object.keys(foreign),
  readIsFunction: typeof foreign.read === 'function',
  read: attempt(() => IoRing.prototype.read.call(foreign, 0, Buffer.alloc(1), 0)),
  close: attempt(() => IoRing.prototype.close.call(foreign)),
};
const own = new IoRing({ backend: workerData.backend });
const fd = await own.open(workerData.path, 'r');
report.ownRead = await own.read(fd, Buffer.alloc(4), 0);
await own.closeFile(fd);
own.close();
parentPort.postMessage(report);
