/**
 * @corelane/affinity: pin Node.js threads to CPUs, read the CPU topology and plan where the
 * cores of a thread-per-core runtime should run.
 * @packageDocumentation
 */
export { CorelaneError, CorelaneRangeError, CorelaneTypeError, ErrorCode } from '@corelane/shared';
export { type AffinityCapabilities, type Capability, capabilities } from './capabilities.js';
export { formatCpuList, parseCpuList } from './cpulist.js';
export { availableCpus, type Cpu, currentCpu, osThreadId, pinThread, threadAffinity, unpinThread } from './cpus.js';
export { type PlacementOptions, planPlacement } from './placement.js';
export {
  type SchedulingPolicy,
  setThreadPriority,
  type ThreadPriority,
  type ThreadPriorityRequest,
  threadPriority,
} from './priority.js';
export { type CpuTopology, type ReadTopologyOptions, readTopology, type Topology, topology } from './topology.js';
