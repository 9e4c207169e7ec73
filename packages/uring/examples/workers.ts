// One ring per thread: each worker opens its own IoRing and reads its own quarter of one file.
// Run: node examples/workers.ts
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { IoRing } from '@corelane/uring';

if (isMainThread) {
  const dir = mkdtempSync(join(tmpdir(), 'uring-workers-'));
  const path = join(dir, 'data');
  writeFileSync(path, Buffer.concat([0, 1, 2, 3].map((i) => Buffer.alloc(4096, i + 1))));
  const reads = [0, 1, 2, 3].map(
    (index) =>
      new Promise<string>((resolve, reject) => {
        const worker = new Worker(new URL(import.meta.url), { workerData: { path, index } });
        worker.once('message', resolve);
        worker.once('error', reject);
      }),
  );
  for (const line of await Promise.all(reads)) console.log(line);
  rmSync(dir, { recursive: true });
} else {
  const { path, index } = workerData as { path: string; index: number };
  const ring = new IoRing(); // this worker's own ring: it may only be used on this thread
  const fd = await ring.open(path, 'r');
  const buffer = Buffer.alloc(4096);
  const bytes = await ring.read(fd, buffer, index * 4096);
  await ring.closeFile(fd);
  ring.close();
  parentPort?.postMessage(`worker ${index}: ${bytes} bytes of ${buffer[0]} through ${ring.backend}`);
}
