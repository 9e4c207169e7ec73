// A worker that blocks while its ring is empty (waitReadable) and a main thread that waits,
// without blocking, while the ring is full (writable()). Neither side notifies the other unless
// that side announced it sleeps.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { allocateRing, RingConsumer, RingProducer } from '@corelane/spsc';

if (isMainThread) {
  const ring = allocateRing({ capacity: 16, type: 'float64' });
  const worker = new Worker(new URL(import.meta.url), { workerData: ring });
  const producer = new RingProducer(ring);
  for (let i = 0; i < 10_000; i++) {
    while (!producer.push(i / 2)) await producer.writable();
  }
  producer.close();
  const [count, total] = await new Promise<[number, number]>((resolve) => worker.once('message', resolve));
  console.log(`worker read ${count} values, total ${total}`);
} else {
  const consumer = new RingConsumer(workerData, { type: 'float64' });
  let count = 0;
  let total = 0;
  while (consumer.waitReadable(5_000)) {
    count += consumer.drain((x) => (total += x));
  }
  parentPort?.postMessage([count, total]);
}
