// Run with --expose-gc (test/lifecycle.test.ts): a producer dropped without close() is collected,
// and its role comes back: the consumer sees it closed, wakes from a wait it was in, and a new
// producer attaches. Prints one JSON line.
import { allocateRing, RingConsumer, RingProducer } from '@corelane/spsc';

const ring = allocateRing({ capacity: 8 });
const consumer = new RingConsumer(ring);
(() => {
  const dropped = new RingProducer(ring);
  dropped.push(1);
  dropped.flush();
})();
const seenBefore = consumer.peerClosed;
// The consumer waits (async, no timeout) while the producer is collected: the release must wake it.
let woke = null;
const waiting = (async () => {
  consumer.pop();
  woke = await consumer.readable();
})();
let rounds = 0;
while (!consumer.peerClosed && rounds < 200) {
  rounds++;
  globalThis.gc();
  await new Promise((resolve) => setTimeout(resolve, 5)); // FinalizationRegistry callbacks run as tasks
}
await Promise.race([waiting, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
let reattached = false;
try {
  new RingProducer(ring).close();
  reattached = true;
} catch {}
console.log(JSON.stringify({ seenBefore, released: consumer.peerClosed, woke, reattached }));
process.exit(0); // a wait that was never woken would keep the event loop alive
