// TargetCache: the targets of recent string keys, remembered, so a hot key skips the hash.
// Run: node examples/target-cache.ts
import { partition, TargetCache } from '@corelane/router';

const cores = 4;
const cache = new TargetCache();

/** partition(key, cores), looked up first. */
function ownerOf(key: string): number {
  const remembered = cache.get(key);
  if (remembered >= 0) return remembered;
  const target = partition(key, cores);
  cache.set(key, target);
  return target;
}

let same = 0;
for (let i = 0; i < 10_000; i++) {
  const key = `user:${i % 100}`; // 100 hot keys
  if (ownerOf(key) === partition(key, cores)) same++;
}
console.log(`remembered ${cache.size} keys; ${same} of 10000 owners equal partition()`);
