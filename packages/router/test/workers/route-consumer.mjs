// One Router target: reads its byte ring until the router closes it, decodes every record and
// checks it — the right target for its key, an intact payload, per-key order — and answers with
// the sequence numbers it received (the test checks exactly-once against what was sent).
//
// Payload of record `seq` (written by test/helpers/routing.ts): seq u32, keyId u32, perKeySeq
// u32, fxhash32(key) u32, then `seq % 29` filler bytes (byte j = (seq + j) & 0xff).
import { parentPort, workerData } from 'node:worker_threads';
import { ByteRingConsumer } from '@corelane/spsc';
import { decodeRoutedRecord, fxhash32, jumpPartition, partition, RoutedReader } from '../../dist/index.js';

// reader: 'decode' reads views and decodeRoutedRecord(); 'in-place' a RoutedReader, whose
// records are offsets into the ring's data (the payload is checked there, never copied).
const { ring, index, targets, pauseEvery, partitioner, reader: how = 'decode' } = workerData;

// The target each key must reach: the same rules as expectedTarget() in test/helpers/routing.ts.
function targetOf(key) {
  if (partitioner === 'jump') return jumpPartition(key, targets);
  if (partitioner === 'custom') return targets - 1 - (fxhash32(key) % targets);
  return partition(key, targets);
}
const reader = how === 'in-place' ? new RoutedReader(ring) : null;
const consumer = reader === null ? new ByteRingConsumer(ring) : reader.consumer;
const seqs = [];
const lastPerKey = new Map();
const errors = [];
let checksum = 0;
const nap = new Int32Array(new SharedArrayBuffer(4));

function check(bytes, type) {
  const { key, payload } = decodeRoutedRecord(bytes, type);
  checkRecord(key, payload, 0, payload.length);
}

/** The in-place path: the key decoded from the view, the payload read where it lies in the ring. */
function checkInPlace(record) {
  if (record.data !== consumer.data) errors.push('the record view is not over the ring data');
  checkRecord(record.key(), record.data, record.payloadOffset, record.payloadLength);
}

function u32(bytes, at) {
  return (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
}

/** Checks one record whose payload is bytes[at .. at + length). */
function checkRecord(key, bytes, at, length) {
  const seq = u32(bytes, at);
  const keyId = u32(bytes, at + 4);
  const perKeySeq = u32(bytes, at + 8);
  if (targetOf(key) !== index) errors.push(`seq ${seq}: key of target ${targetOf(key)} at ${index}`);
  if (fxhash32(key) !== u32(bytes, at + 12)) errors.push(`seq ${seq}: key does not match the one sent`);
  if (length !== 16 + (seq % 29)) errors.push(`seq ${seq}: payload of ${length} bytes`);
  for (let j = 16; j < length; j++) {
    if (bytes[at + j] !== ((seq + j) & 0xff)) errors.push(`seq ${seq}: payload byte ${j} corrupt`);
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
  if (reader === null) consumer.read(check);
  else reader.read(checkInPlace);
  if (errors.length > 20) break;
}
consumer.close();
parentPort.postMessage({ index, seqs: Int32Array.from(seqs), checksum, errors });
