// Read routed records where they lie in the ring, allocating nothing per record: a RoutedReader
// hands one reused view of offsets into the ring's data (key and payload), so a consumer core can
// sum, compare or copy out exactly the bytes it needs.
// Run: node examples/read-in-place.ts
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { RoutedReader, type RoutedRecordView, Router } from '@corelane/router';
import { allocateByteRing } from '@corelane/spsc';

if (isMainThread) {
  const cores = 2;
  const rings = Array.from({ length: cores }, () => allocateByteRing({ capacity: 64 * 1024 }));
  const done = rings.map((ring, core) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { ring, core } });
    return new Promise<string>((resolve) => worker.once('message', resolve));
  });
  const router = new Router(rings, { policy: 'block', timeoutMs: 5_000 });
  const payload = new Uint8Array(8); // reused: route() copies it into the ring
  const view = new DataView(payload.buffer);
  for (let seq = 0; seq < 10_000; seq++) {
    view.setUint32(0, seq, true); // a sequence number
    view.setUint32(4, seq * 3, true); // an amount
    router.route(`account-${seq % 50}`, payload);
  }
  router.close();
  for (const line of await Promise.all(done)) console.log(line);
} else {
  const { ring, core } = workerData as { ring: SharedArrayBuffer; core: number };
  const reader = new RoutedReader(ring);
  let records = 0;
  let total = 0;
  let lastSeq = -1;
  let inOrder = true;
  // One handler for every call: `r` is the same object each time, its offsets move.
  const tally = (r: RoutedRecordView): void => {
    const d = r.data;
    const at = r.payloadOffset;
    const seq = (d[at] as number) | ((d[at + 1] as number) << 8) | ((d[at + 2] as number) << 16);
    inOrder &&= seq > lastSeq;
    lastSeq = seq;
    total += (d[at + 4] as number) | ((d[at + 5] as number) << 8) | ((d[at + 6] as number) << 16);
    records++;
  };
  while (reader.waitReadable(10_000)) reader.read(tally);
  reader.close();
  parentPort?.postMessage(`core ${core}: ${records} records, amounts ${total}, in order ${inOrder}`);
}
