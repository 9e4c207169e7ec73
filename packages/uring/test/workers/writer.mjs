// Worker: its own ring on a file shared with other workers. Writes `records` records into its
// slots (slot = seq * workers + index), each stamped with index, sequence and checksum, fsyncs,
// then reads every slot of every worker that has finished and checks the stamps it finds.
import { parentPort, workerData } from 'node:worker_threads';
import { IoRing } from '@corelane/uring';

const { path, index, workers, records, size, backend } = workerData;

function fnv(bytes) {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

function record(worker, seq) {
  const out = Buffer.alloc(size);
  for (let i = 12; i < size; i++) out[i] = (worker * 31 + seq * 7 + i) & 0xff;
  out.writeUInt32LE(worker, 0);
  out.writeUInt32LE(seq, 4);
  out.writeUInt32LE(fnv(out.subarray(12)), 8);
  return out;
}

const ring = new IoRing({ backend });
const fd = await ring.open(path, 'r+');
let written = 0;
for (let seq = 0; seq < records; seq += 8) {
  const batch = ring.batch();
  const writes = [];
  for (let s = seq; s < Math.min(seq + 8, records); s++) {
    writes.push(batch.write(fd, record(index, s), (s * workers + index) * size));
  }
  batch.submit();
  for (const n of await Promise.all(writes)) written += n;
}
await ring.fsync(fd);
const back = Buffer.alloc(size);
let verified = 0;
for (let seq = 0; seq < records; seq++) {
  const n = await ring.read(fd, back, (seq * workers + index) * size);
  if (n === size && back.equals(record(index, seq))) verified++;
}
await ring.closeFile(fd);
const backendUsed = ring.backend;
ring.close();
parentPort.postMessage({ index, written, verified, backend: backendUsed });
