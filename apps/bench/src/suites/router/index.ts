import { defineSuite } from '../../harness/suite.js';
import { KEYS_PER_BATCH, KEYS_PER_PASS } from './fixtures.js';
import { byteKeys, stringKeys } from './keys.js';
import { murmur3, partitionVsNpm, xxhashWasm } from './vs-npm.js';
import { routerVsPostMessage } from './vs-postmessage.js';
import { hashBatchVsRust, partitionVsRust } from './vs-rust.js';

const perKey = [8, 16, 64, 256].map((size) => byteKeys(size, KEYS_PER_PASS));
const strings = stringKeys(KEYS_PER_PASS);
const sets = [...perKey, strings];

/**
 * @corelane/router: the cost of turning a key into a partition, against the Rust crate fxhash
 * itself (target: hashBatch within 1.5x; partition() is measured, with no target: JavaScript's
 * 64-bit multiply in 32-bit halves alone costs more than Rust's whole hash) and against hashing
 * from npm (target: partition() faster than each at every key size up to 256 B; from 32 B it
 * hashes in inline WebAssembly); and the Router's throughput into spsc rings against
 * postMessage to the same consumer threads.
 */
export const routerSuite = defineSuite({
  name: 'router',
  description:
    'Hashing keys to partitions with @corelane/router (fxhash64, bit-exact with Rust fxhash 0.2.1): per key and ' +
    'in native batches, against the Rust crate itself and against xxhash-wasm and murmurhash3js-revisited; and ' +
    'Router throughput into spsc rings vs postMessage (per record and batched) to the same consumer threads.',
  // Per key set, the three peers back to back: our side runs in the same state of the JIT
  // against each of them.
  cases: [
    ...sets.flatMap((set) => [partitionVsRust(set), partitionVsNpm(set, xxhashWasm), partitionVsNpm(set, murmur3)]),
    hashBatchVsRust(byteKeys(16, KEYS_PER_BATCH)),
    hashBatchVsRust(byteKeys(64, KEYS_PER_BATCH)),
    hashBatchVsRust(stringKeys(KEYS_PER_BATCH)),
    routerVsPostMessage(false),
    routerVsPostMessage(true),
  ],
});
