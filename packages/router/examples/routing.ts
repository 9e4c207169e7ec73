// Route keyed events to one consumer thread per core through @corelane/spsc byte rings: every
// event of a key reaches the same consumer, in order, and the partition is the one a Rust
// service computes with fxhash::hash64(&key) % n.
// Run: node examples/routing.ts
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { decodeRoutedRecord, Router } from '@corelane/router';
import { allocateByteRing, ByteRingConsumer } from '@corelane/spsc';

if (isMainThread) {
  const cores = 3;
  const rings = Array.from({ length: cores }, () => allocateByteRing({ capacity: 64 * 1024 }));
  const done = rings.map((ring, core) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { ring, core } });
    return new Promise<string>((resolve) => worker.once('message', resolve));
  });
  const router = new Router(rings, { policy: 'block', timeoutMs: 5_000 });
  const encoder = new TextEncoder();
  for (let i = 0; i < 9_000; i++) {
    const user = `user-${i % 30}`;
    router.route(user, encoder.encode(`event ${i} of ${user}`)); // waits if that core's ring is full
  }
  router.close(); // publishes the rest; each consumer stops once its ring is empty
  for (const line of await Promise.all(done)) console.log(line);
  console.log(
    `routed: ${router
      .stats()
      .map((s) => s.routed)
      .join(' + ')} = 9000`,
  );
} else {
  const { ring, core } = workerData as { ring: SharedArrayBuffer; core: number };
  const consumer = new ByteRingConsumer(ring);
  const users = new Set<string>();
  let events = 0;
  while (consumer.waitReadable(10_000)) {
    consumer.read((bytes, type) => {
      const { key } = decodeRoutedRecord(bytes, type); // the payload is a view: copy it to keep it
      users.add(key as string);
      events++;
    });
  }
  consumer.close();
  parentPort?.postMessage(`core ${core}: ${events} events of ${users.size} users`);
}
