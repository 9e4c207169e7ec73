// Where should a runtime of N cores run? planPlacement() answers from the CPU topology; it pins
// nothing. Run: node examples/placement.ts
import { availableCpus, planPlacement, topology } from '@corelane/affinity';

const n = availableCpus().length;
console.log(
  'this machine:',
  topology()
    .cpus.map((c) => `cpu${c.cpu}=core${c.coreId}/pkg${c.packageId}`)
    .join(' '),
);
console.log('spread, all CPUs:', planPlacement(n, { policy: 'spread' }));
console.log('pack, all CPUs:  ', planPlacement(n, { policy: 'pack' }));
if (n > 1) {
  // Keep the lowest CPU for the main thread and the OS; use the rest, one per physical core.
  console.log('reserve 1, no SMT siblings:', planPlacement(n - 1, { reserve: 1, avoidSmtSiblings: true }));
}
