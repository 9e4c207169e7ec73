// The sleeping half of the close race (test/close-race.test.ts): for each ring in turn, attach
// `role`, say so in control word 0, then wait with no timeout until the peer (closed by the main
// thread) is seen closed. Counts the waits that returned true (none should).
//
// interleave: the close is made to land exactly between the sleeper's last check and its sleep.
// Atomics.wait and Atomics.waitAsync are wrapped before the package loads: the first sleep of a
// round on the ring first tells the main thread (control word 1), which closes the peer, and only
// then sleeps, with the value the sleeper read before the close. That is the thread being
// preempted at the worst moment; a sleeper that compares a word the close does not change sleeps
// forever.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

const { rings, control, role, mode, interleave, peer } = workerData;
const ctl = new Int32Array(control);
const LIMIT_MS = 5_000;
const realWait = Atomics.wait;
const realWaitAsync = Atomics.waitAsync;

/** Blocks (bounded) until control word `at` reaches `value`. */
function reach(at, value) {
  const deadline = performance.now() + LIMIT_MS;
  for (let now = Atomics.load(ctl, at); now < value; now = Atomics.load(ctl, at)) {
    const left = deadline - performance.now();
    if (left <= 0) return;
    realWait(ctl, at, now, left);
  }
}

let round = -1;
let armed = false;
/** Before the first sleep of the round on its ring: let the main thread close the peer now. */
function holdFirstSleep(array) {
  if (armed && array.buffer === rings[round]) {
    armed = false;
    Atomics.store(ctl, 1, 2 * round + 1); // about to sleep
    Atomics.notify(ctl, 1);
    reach(1, 2 * round + 2); // the peer is closed now
  }
}
if (interleave && peer === 'native') {
  // A side whose peer is native sleeps in futex(2) through the addon: wrap those calls (the
  // package loads the same addon object, from node-gyp-build's require cache).
  const root = fileURLToPath(new URL('..', import.meta.resolve('@corelane/spsc')));
  const addon = createRequire(import.meta.url)('node-gyp-build')(root);
  const { futexWait, futexWaitAsync } = addon;
  addon.futexWait = (array, index, value, timeout) => {
    holdFirstSleep(array);
    return futexWait(array, index, value, timeout);
  };
  addon.futexWaitAsync = (array, index, value, timeout, done) => {
    holdFirstSleep(array);
    return futexWaitAsync(array, index, value, timeout, done);
  };
} else if (interleave) {
  Atomics.wait = (array, index, value, timeout) => {
    holdFirstSleep(array);
    return realWait(array, index, value, timeout);
  };
  Atomics.waitAsync = (array, index, value, timeout) => {
    holdFirstSleep(array);
    return realWaitAsync(array, index, value, timeout);
  };
}
const { RingConsumer, RingProducer } = await import('@corelane/spsc');

let wrong = 0;
for (round = 0; round < rings.length; round++) {
  const i = round;
  reach(2, i + 1); // the peer (the main thread's side, or a stand-in native one) is attached
  const side = role === 'consumer' ? new RingConsumer(rings[i]) : new RingProducer(rings[i]);
  // A producer waits for room: fill the ring first (capacity 2), so its wait has to sleep.
  if (role === 'producer') while (side.push(i)) {}
  armed = interleave;
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
