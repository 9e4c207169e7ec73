// Hash many keys in one native call, e.g. to bucket a bulk load by partition.
// Run: node examples/hash-batch.ts
import { capabilities, fxhash64, hashBatch, packKeys } from '@corelane/router';

console.log(`native batch hashing: ${capabilities().hashBatch.supported ? 'yes' : 'no'}`);
const keys = Array.from({ length: 10_000 }, (_, i) => `customer-${i}`);
const packed = packKeys(keys); // pack once: one buffer + offsets, the fastest form
const hashes = hashBatch(packed); // BigUint64Array, hashes[i] === fxhash64(keys[i])
console.log(`hashed ${hashes.length} keys; first: ${hashes[0]} = ${fxhash64(keys[0] ?? '')}`);

const perCore = new Array<number>(4).fill(0);
for (const hash of hashes) {
  const core = Number(hash % 4n); // the same as partition(key, 4)
  perCore[core] = (perCore[core] ?? 0) + 1;
}
console.log(`keys per core: ${perCore.join(', ')}`);
// Reuse one output buffer across batches; arrays of mixed keys work too.
const out = new BigUint64Array(3);
console.log(`mixed: ${hashBatch(['a', 42, new Uint8Array([1, 2])], out).join(', ')}`);
