import { isMainThread, threadId, Worker, workerData } from 'node:worker_threads';
import { SharedMap } from '@corelane/lockfree';

if (isMainThread) {
  const map = SharedMap.create({ capacity: 1024, arenaBytes: 16 << 20 });
  const workers = [1, 2].map(() => new Worker(new URL(import.meta.url), { workerData: map.handle }));
  await Promise.all(workers.map((w) => new Promise((done) => w.once('exit', done))));
  console.log(`hits = ${map.getNumber('hits')}, keys = ${map.size}`);
} else {
  const map = SharedMap.attach(workerData);
  for (let i = 0; i < 10_000; i++) map.addNumber('hits', 1); // a CAS loop: no update is lost
  map.setString(`worker-${threadId}`, 'done');
}
