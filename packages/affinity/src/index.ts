/**
 * @corelane/affinity: pin Node.js threads to CPUs, read the CPU topology and plan where the
 * cores of a thread-per-core runtime should run.
 * @packageDocumentation
 */
export { CorelaneError, CorelaneRangeError, CorelaneTypeError, ErrorCode } from '@corelane/shared';
export { type AffinityCapabilities, type Capability, capabilities } from './capabilities.js';
export { formatCpuList, parseCpuList } from './cpulist.js';
export { type Cpu, availableCpus, currentCpu, osThreadId, pinThread, threadAffinity, unpinThread } from './cpus.js';
export { type PlacementOptions, planPlacement } from './placement.js';
export {
  type SchedulingPolicy,
  type ThreadPriority,
  type ThreadPriorityRequest,
  setThreadPriority,
  threadPriority,
} from './priority.js';
export { type CpuTopology, type ReadTopologyOptions, type Topology, readTopology, topology } from './topology.js';
