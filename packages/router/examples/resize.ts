// Growing from 8 to 9 cores: how many of 100,000 keys change owner with each partitioner.
// Run: node examples/resize.ts
import { jumpPartition, partition, rendezvous } from '@corelane/router';

const keys = Array.from({ length: 100_000 }, (_, i) => `order-${i}`);
const before = rendezvous(Array.from({ length: 8 }, (_, i) => `core-${i}`));
const after = rendezvous(Array.from({ length: 9 }, (_, i) => `core-${i}`));

const share = (moved: (key: string) => boolean) => `${((100 * keys.filter(moved).length) / keys.length).toFixed(1)}%`;
console.log(`partition (modulo): ${share((k) => partition(k, 8) !== partition(k, 9))} moved`);
console.log(`jumpPartition:      ${share((k) => jumpPartition(k, 8) !== jumpPartition(k, 9))} moved`);
console.log(`rendezvous:         ${share((k) => before.owner(k) !== after.owner(k))} moved`);
console.log(`ideal:              ${(100 / 9).toFixed(1)}% (only the new core's share)`);
