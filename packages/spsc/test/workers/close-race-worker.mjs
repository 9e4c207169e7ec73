// The sleeping half of the close race (test/close-race.test.ts): for each ring in turn, attach
// `role`, say so in the control word, then wait with no timeout until the peer (closing in the
// main thread at about the same moment) is seen closed. Counts the waits that returned true.
import { parentPort, workerData } from 'node:worker_threads';
import { RingConsumer, RingProducer } from '@corelane/spsc';

const { rings, control, role, mode } = workerData;
const ctl = new Int32Array(control);
let wrong = 0;
for (let i = 0; i < rings.length; i++) {
  const side = role === 'consumer' ? new RingConsumer(rings[i]) : new RingProducer(rings[i]);
  // A producer waits for room: fill the ring first (capacity 2), so writable() has to sleep.
  if (role === 'producer') while (side.push(i)) {}
  Atomics.store(ctl, 0, 2 * i + 1); // attached, about to wait
  Atomics.notify(ctl, 0);
  let ready;
  if (role === 'consumer') ready = mode === 'sync' ? side.waitReadable() : await side.readable();
  else ready = mode === 'sync' ? side.waitWritable() : await side.writable();
  if (ready) wrong++;
  side.close();
  Atomics.store(ctl, 0, 2 * i + 2); // woke up
  Atomics.notify(ctl, 0);
}
parentPort.postMessage({ rounds: rings.length, wrong });
