import { isMainThread, Worker, workerData } from 'node:worker_threads';
import { allocateRing, RingConsumer, RingProducer } from '@corelane/spsc';

if (isMainThread) {
  const ring = allocateRing({ capacity: 1024, type: 'int32' });
  new Worker(new URL(import.meta.url), { workerData: ring });
  const consumer = new RingConsumer(ring, { type: 'int32' }); // a RingConsumer<'int32'>: values are numbers
  let sum = 0;
  while (await consumer.readable()) consumer.drain((n) => (sum += n));
  console.log(`sum of 1..100000 = ${sum}`);
} else {
  const producer = new RingProducer(workerData);
  for (let i = 1; i <= 100_000; i++) while (!producer.push(i)) await producer.writable();
  producer.close();
}
