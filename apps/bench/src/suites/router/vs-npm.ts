// partition() against the hashing a Node user would pick from npm to spread keys over 12
// partitions: xxhash-wasm (XXH32 in WebAssembly) and murmurhash3js-revisited (MurmurHash3 x86
// 32-bit in JavaScript), each on its fastest path (raw bytes in, a uint32 out, then % 12).
import murmurHash3 from 'murmurhash3js-revisited';
import xxhash from 'xxhash-wasm';
import type { BenchCase } from '../../harness/suite.js';
import { nsPerOp } from '../../harness/timing.js';
import { consume, N, passLoop, sumPartitions } from './fixtures.js';
import { describeKeys, type KeySet } from './keys.js';

/** A hash from npm: how to turn one key into a partition, built once. */
export interface NpmPeer {
  name: string;
  /** What one key costs on this peer's side, in the report. */
  label: string;
  load(): Promise<{ bytes: (key: Uint8Array) => number; str: (key: string) => number }>;
}

export const xxhashWasm: NpmPeer = {
  name: 'xxhash-wasm',
  label: 'xxhash-wasm h32Raw(key) % 12 (strings: h32)',
  async load() {
    const { h32, h32Raw } = await xxhash();
    return { bytes: (key) => h32Raw(key) % N, str: (key) => h32(key) % N };
  },
};

const encoder = new TextEncoder();

export const murmur3: NpmPeer = {
  name: 'murmurhash3js-revisited',
  label: 'murmurhash3js-revisited x86.hash32(key) % 12 (strings: UTF-8 encoded first)',
  async load() {
    murmurHash3.inputValidation = false; // its fastest setting: no per-byte checks
    return {
      bytes: (key) => murmurHash3.x86.hash32(key) % N,
      str: (key) => murmurHash3.x86.hash32(encoder.encode(key)) % N,
    };
  },
};

/** Cost per key of `partition(key, 12)` vs an npm hash `% 12`. */
export function partitionVsNpm(set: KeySet, peer: NpmPeer): BenchCase {
  const keys: readonly (Uint8Array | string)[] = set.keys;
  return {
    name: `partition, ${describeKeys(set)}, vs ${peer.name}`,
    metric: 'cost per key',
    unit: 'ns/key',
    higherIsBetter: false,
    ours: 'partition(key, 12)',
    peer: peer.label,
    budgetMs: { quick: 6_000, full: 30_000 },
    description:
      `${keys.length} ${describeKeys(set)}, each turned into one of 12 partitions: @corelane/router partition() ` +
      `(fxhash64, bit-exact with Rust) vs ${peer.name}, the hash a Node user might pick instead, in the same thread.`,
    async setup(ctx) {
      const hash = await peer.load();
      const ours = () => sumPartitions(keys);
      const theirs =
        set.kind === 'bytes'
          ? () => {
              let sum = 0;
              for (let i = 0; i < set.keys.length; i++) sum += hash.bytes(set.keys[i] as Uint8Array);
              return sum;
            }
          : () => {
              let sum = 0;
              for (let i = 0; i < set.keys.length; i++) sum += hash.str(set.keys[i] as string);
              return sum;
            };
      const loop = passLoop(ctx);
      return {
        ours: async () => nsPerOp(() => consume(ours()), loop) / keys.length,
        peer: async () => nsPerOp(() => consume(theirs()), loop) / keys.length,
      };
    },
  };
}
