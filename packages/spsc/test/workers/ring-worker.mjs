// One side of a ring in its own thread: produces or consumes workerData.spec.count items (see
// workload.mjs) and posts { count, checksum, errors, timedOut }.
import { parentPort, workerData } from 'node:worker_threads';
import { consume, produce } from './workload.mjs';

const { buffer, kind, role, spec } = workerData;
const result = await (role === 'producer' ? produce(buffer, kind, spec) : consume(buffer, kind, spec));
parentPort.postMessage(result);
