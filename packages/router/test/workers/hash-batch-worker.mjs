// Hashes a slice of keys with hashBatch() inside a worker_thread (the addon loads once per
// thread) and with fxhash64(), and answers with both checksums and the number of keys.
import { parentPort, workerData } from 'node:worker_threads';
import { fxhash64, hashBatch, packKeys } from '../../dist/index.js';

const { seed, count, rounds } = workerData;
const keys = Array.from({ length: count }, (_, i) => `w${seed}-key-${i}`);
const packed = packKeys(keys);
const out = new BigUint64Array(count);
let nativeSum = 0n;
for (let r = 0; r < rounds; r++) {
  hashBatch(r % 2 === 0 ? packed : keys, out);
  for (let i = 0; i < count; i++) nativeSum = BigInt.asUintN(64, nativeSum + out[i] * BigInt(i + 1));
}
let jsSum = 0n;
for (let r = 0; r < rounds; r++) {
  for (let i = 0; i < count; i++) jsSum = BigInt.asUintN(64, jsSum + fxhash64(keys[i]) * BigInt(i + 1));
}
parentPort.postMessage({ seed, count, nativeSum, jsSum });
