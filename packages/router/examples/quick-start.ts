import { fxhash64, jumpPartition, partition, rendezvous } from '@corelane/router';

const cores = 4;
// The same u64 as fxhash::hash64("user-42") in Rust, and the same partition as `% 4` there.
console.log(`fxhash64("user-42") = ${fxhash64('user-42')}`);
console.log(`partition: core ${partition('user-42', cores)} of ${cores}`);
// When the number of cores changes, these move few keys:
console.log(`jump hash: core ${jumpPartition('user-42', cores)}`);
const ring = rendezvous(['core-a', 'core-b', 'core-c', 'core-d']);
console.log(`rendezvous: ${ring.owner('user-42')}`);
