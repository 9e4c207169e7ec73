// partition() and hashBatch() against the Rust crate fxhash 0.2.1 on the same keys.
import { fxhash64, hashBatch, packKeys } from '@corelane/router';
import type { BenchCase } from '../../harness/suite.js';
import { unavailable } from '../../harness/suite.js';
import { nsPerOp } from '../../harness/timing.js';
import { consume, N, passLoop, peerTargetMs, sumPartitions, tempFolder } from './fixtures.js';
import { describeKeys, type KeySet, writeKeyFile } from './keys.js';
import { runRust, rustPeer } from './rust-peer.js';

/** Long enough for a first cargo build of the peer (later runs reuse the temp project). */
const RUST_BUDGET = { quick: 120_000, full: 300_000 };

function rustSetup(set: KeySet, mode: string) {
  const peer = rustPeer();
  if (!peer.ok) return { error: peer.reason } as const;
  const temp = tempFolder();
  const file = temp.file('keys.bin');
  writeKeyFile(file, set);
  const run = (targetMs: number) => runRust(peer.binary, mode, file, N, targetMs);
  return { run, remove: temp.remove } as const;
}

/** Cost per key of `partition(key, 12)` vs Rust's `fxhash::hash64(&key) % 12`. */
export function partitionVsRust(set: KeySet): BenchCase {
  const keys: readonly (Uint8Array | string)[] = set.keys;
  return {
    name: `partition, ${describeKeys(set)}, vs Rust`,
    metric: 'cost per key',
    unit: 'ns/key',
    higherIsBetter: false,
    ours: 'partition(key, 12)',
    peer: 'Rust fxhash 0.2.1: hash64(&key) % 12',
    budgetMs: RUST_BUDGET,
    description:
      `${keys.length} ${describeKeys(set)}, each hashed and reduced to one of 12 partitions, over and over: ` +
      '@corelane/router partition() in JavaScript vs the Rust crate fxhash 0.2.1 (cargo --release, run as a child ' +
      'process that times its own loop). A checksum of the partitions proves both compute the same numbers.',
    setup(ctx) {
      const rust = rustSetup(set, set.kind === 'bytes' ? 'partition-bytes' : 'partition-str');
      if ('error' in rust) return unavailable(rust.error ?? 'no Rust peer');
      const pass = () => sumPartitions(keys);
      const expected = rust.run(0).checksum;
      if (BigInt(pass()) !== expected) {
        rust.remove();
        throw new Error(`partition() and Rust disagree on ${describeKeys(set)}: ${pass()} vs ${expected}`);
      }
      const loop = passLoop(ctx);
      return {
        ours: async () => nsPerOp(() => consume(pass()), loop) / keys.length,
        peer: async () => rust.run(peerTargetMs(ctx)).nsPerKey,
        teardown: rust.remove,
      };
    },
  };
}

/** Cost per key of `hashBatch()` on packed keys vs a Rust loop filling a Vec<u64>. */
export function hashBatchVsRust(set: KeySet): BenchCase {
  return {
    name: `hashBatch, ${describeKeys(set)}, vs Rust`,
    metric: 'cost per key',
    unit: 'ns/key',
    higherIsBetter: false,
    ours: 'hashBatch(packKeys(keys), out)',
    peer: 'Rust fxhash 0.2.1: out[i] = hash64(&key i)',
    budgetMs: RUST_BUDGET,
    description:
      `${set.keys.length} ${describeKeys(set)} hashed in one call into a BigUint64Array (packed: one buffer + ` +
      'offsets; the N-API call is included) vs the same loop in Rust writing a Vec<u64>. The xor of all hashes ' +
      'is compared first.',
    setup(ctx) {
      const rust = rustSetup(set, set.kind === 'bytes' ? 'batch-bytes' : 'batch-str');
      if ('error' in rust) return unavailable(rust.error ?? 'no Rust peer');
      const packed = packKeys(set.keys);
      const out = new BigUint64Array(set.keys.length);
      hashBatch(packed, out);
      const xor = out.reduce((a, h) => a ^ h, 0n);
      const expected = rust.run(0).checksum;
      if (xor !== expected || out[0] !== fxhash64(set.keys[0] ?? '')) {
        rust.remove();
        throw new Error(`hashBatch() and Rust disagree on ${describeKeys(set)}`);
      }
      const loop = passLoop(ctx);
      return {
        ours: async () => nsPerOp(() => hashBatch(packed, out), loop) / set.keys.length,
        peer: async () => rust.run(peerTargetMs(ctx)).nsPerKey,
        teardown: rust.remove,
      };
    },
  };
}
