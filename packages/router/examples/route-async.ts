// Route from a thread that must not block (a server's main thread): routeAsync() waits for
// room in a full ring with Atomics.waitAsync, so timers and I/O keep running meanwhile. Keys
// are spread with jump consistent hashing ('jump'), which moves few keys when cores are added.
// Run: node examples/route-async.ts
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { decodeRoutedRecord, jumpPartition, Router } from '@corelane/router';
import { allocateByteRing, ByteRingConsumer } from '@corelane/spsc';

if (isMainThread) {
  const cores = 2;
  const rings = Array.from({ length: cores }, () => allocateByteRing({ capacity: 4096 })); // small: they fill up
  const done = rings.map((ring, core) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { ring, core } });
    return new Promise<string>((resolve) => worker.once('message', resolve));
  });
  const router = new Router(rings, { partitioner: 'jump' });
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1); // runs while routeAsync() waits
  const encoder = new TextEncoder();
  for (let i = 0; i < 6_000; i++) {
    const sensor = `sensor-${i % 40}`;
    await router.routeAsync(sensor, encoder.encode(`reading ${i}`)); // target: jumpPartition(sensor, 2)
  }
  clearInterval(timer);
  router.close();
  for (const line of await Promise.all(done)) console.log(line);
  const waits = router.stats().reduce((sum, s) => sum + s.blockedWaits, 0);
  console.log(`waited for room ${waits > 0 ? 'yes' : 'no'}; the event loop ran ${ticks > 0 ? 'meanwhile' : 'never'}`);
  console.log(`sensor-7 lives on core ${jumpPartition('sensor-7', cores)} = ${router.targetOf('sensor-7')}`);
} else {
  const { ring, core } = workerData as { ring: SharedArrayBuffer; core: number };
  const consumer = new ByteRingConsumer(ring);
  const sensors = new Set<string>();
  const nap = new Int32Array(new SharedArrayBuffer(4));
  let readings = 0;
  while (consumer.waitReadable(10_000)) {
    consumer.read((bytes, type) => {
      sensors.add(decodeRoutedRecord(bytes, type).key as string);
      if (++readings % 100 === 0) Atomics.wait(nap, 0, 0, 5); // a slow consumer: the ring fills
    });
  }
  consumer.close();
  parentPort?.postMessage(`core ${core}: ${readings} readings of ${sensors.size} sensors`);
}
