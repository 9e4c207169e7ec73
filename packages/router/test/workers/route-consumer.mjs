// One Router target: reads its byte ring until the router closes it, decodes every record and
// checks it — the right target for its key, an intact payload, per-key order — and answers with
// the sequence numbers it received (the test checks exactly-once against what was sent).
//
// Payload of record `seq` (written by test/helpers/routing.ts): seq u32, keyId u32, perKeySeq
// u32, fxhash32(key) u32, then `seq % 29` filler bytes (byte j = (seq + j) & 0xff).
import { parentPort, workerData } from 'node:worker_threads';
import { ByteRingConsumer } from '@corelane/spsc';
import { decodeRoutedRecord, fxhash32, jumpPartition, partition } from '../../dist/index.js';

const { ring, index, targets, pauseEvery, partitioner } = workerData;

// The target each key must reach: the same rules as expectedTarget() in test/helpers/routing.ts.
function targetOf(key) {
  if (partitioner === 'jump') return jumpPartition(key, targets);
  if (partitioner === 'custom') return targets - 1 - (fxhash32(key) % targets);
  return partition(key, targets);
}
const consumer = new ByteRingConsumer(ring);
const seqs = [];
const lastPerKey = new Map();
const errors = [];
let checksum = 0;
const nap = new Int32Array(new SharedArrayBuffer(4));

function check(bytes, type) {
  const { key, payload } = decodeRoutedRecord(bytes, type);
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const seq = view.getUint32(0, true);
  const keyId = view.getUint32(4, true);
  const perKeySeq = view.getUint32(8, true);
  if (targetOf(key) !== index) errors.push(`seq ${seq}: key of target ${targetOf(key)} at ${index}`);
  if (fxhash32(key) !== view.getUint32(12, true)) errors.push(`seq ${seq}: key does not match the one sent`);
  if (payload.length !== 16 + (seq % 29)) errors.push(`seq ${seq}: payload of ${payload.length} bytes`);
  for (let j = 16; j < payload.length; j++) {
    if (payload[j] !== ((seq + j) & 0xff)) errors.push(`seq ${seq}: payload byte ${j} corrupt`);
  }
  const last = lastPerKey.get(keyId) ?? -1;
  if (perKeySeq <= last) errors.push(`seq ${seq}: key ${keyId} record ${perKeySeq} after ${last}`);
  lastPerKey.set(keyId, perKeySeq);
  seqs.push(seq);
  checksum = (checksum + Math.imul(seq + 1, 0x9e3779b1)) | 0;
  // A slow consumer now and then, so the router meets full rings.
  if (pauseEvery > 0 && seqs.length % pauseEvery === 0) Atomics.wait(nap, 0, 0, 2);
}

// Bounded: the router closes the ring when it is done; waitReadable() then says false once empty.
while (consumer.waitReadable(30_000)) {
  consumer.read(check);
  if (errors.length > 20) break;
}
consumer.close();
parentPort.postMessage({ index, seqs: Int32Array.from(seqs), checksum, errors });
