// A thread that retires a few large blocks of the map and then goes idle: it stays alive, its
// event loop free, waiting for a message, until the test posts 'exit'. (Before flush-on-idle,
// what it retired sat in its private bag until its next write: never, here.)
import { parentPort, workerData } from 'node:worker_threads';
import { SharedMap } from '@corelane/lockfree';
import { makeValue } from './values.mjs';

const { handle, payload } = workerData;
const map = SharedMap.attach(handle);
map.set('idle', makeValue(1, 9, 1, payload));
map.set('idle', makeValue(1, 9, 2, payload)); // retires the first value's block
map.delete('idle'); // retires the second's, and the node
parentPort.postMessage({ retired: map.epochs.pending });
parentPort.on('message', (message) => {
  if (message === 'exit') {
    map.close();
    parentPort.close();
  }
});
