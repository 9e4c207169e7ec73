import { availableCpus, currentCpu, pinThread, topology, unpinThread } from '@corelane/affinity';

const cpus = availableCpus();
console.log(`this process may run on CPUs ${cpus.join(', ')}`);
const cpu = cpus.at(-1) ?? 0;
pinThread(cpu); // only the calling thread moves
console.log(`pinned to CPU ${cpu}, running on CPU ${currentCpu()}`);
const { packages, cores, smt } = topology();
console.log(`${packages} package(s), ${cores} physical core(s), SMT ${smt ? 'on' : 'off'}`);
unpinThread(); // back to every available CPU
