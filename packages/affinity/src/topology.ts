import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCpuList } from './cpulist.js';
import { availableCpus, type Cpu } from './cpus.js';
import { unsupportedReason } from './native.js';

/** Where one CPU sits in the machine, as `/sys/devices/system` describes it. */
export interface CpuTopology {
  /** The CPU number (as `taskset -c` counts). */
  cpu: Cpu;
  /** `topology/core_id`: the physical core within its package. */
  coreId: number;
  /** `topology/physical_package_id`: the socket. */
  packageId: number;
  /** The NUMA node whose `cpulist` holds this CPU (0 when the kernel has no NUMA info). */
  nodeId: number;
  /** Online CPUs on the same physical core, this one included, sorted (SMT / hyper-threads). */
  siblings: Cpu[];
  /** The lowest CPU sharing this CPU's L3 cache: CPUs with equal `l3Group` share an L3. `null` when /sys does not say. */
  l3Group: Cpu | null;
}

/** The machine's layout, restricted to the CPUs asked about. */
export interface Topology {
  /** One entry per CPU, sorted by CPU number. */
  cpus: CpuTopology[];
  /** How many distinct packages (sockets), physical cores, NUMA nodes and L3 groups these CPUs span. */
  packages: number;
  cores: number;
  nodes: number;
  l3Groups: number;
  /** True when some physical core runs more than one of these CPUs. */
  smt: boolean;
  /** The /sys files that were missing or unreadable; their fields took fallback values. */
  missing: string[];
}

/** Where to read from; both default to this machine. */
export interface ReadTopologyOptions {
  /** Root of a sysfs tree (default `/sys`); tests point it at fixture trees. */
  sysRoot?: string;
  /** CPUs to describe (default: the online CPUs, restricted to `availableCpus()` where that is known). */
  cpus?: readonly Cpu[];
}

class SysReader {
  readonly missing: string[] = [];
  constructor(private readonly root: string) {}

  text(path: string): string | null {
    try {
      return readFileSync(join(this.root, path), 'utf8').trim();
    } catch {
      this.missing.push(path);
      return null;
    }
  }

  integer(path: string, fallback: number): number {
    const text = this.text(path);
    return text !== null && /^-?\d+$/.test(text) ? Number(text) : fallback;
  }

  list(path: string): number[] | null {
    const text = this.text(path);
    return text === null ? null : parseCpuList(text);
  }

  entries(path: string): string[] {
    try {
      return readdirSync(join(this.root, path));
    } catch {
      return [];
    }
  }
}

const CPU_DIR = 'devices/system/cpu';
const NODE_DIR = 'devices/system/node';

function nodeOfEachCpu(sys: SysReader): Map<Cpu, number> {
  const nodeOf = new Map<Cpu, number>();
  for (const entry of sys.entries(NODE_DIR)) {
    const match = /^node(\d+)$/.exec(entry);
    if (!match) continue;
    for (const cpu of sys.list(`${NODE_DIR}/${entry}/cpulist`) ?? []) nodeOf.set(cpu, Number(match[1]));
  }
  return nodeOf;
}

function l3GroupOf(sys: SysReader, cpu: Cpu): Cpu | null {
  const cacheDir = `${CPU_DIR}/cpu${cpu}/cache`;
  for (const entry of sys.entries(cacheDir).filter((e) => /^index\d+$/.test(e))) {
    if (sys.text(`${cacheDir}/${entry}/level`) !== '3') continue;
    const shared = sys.list(`${cacheDir}/${entry}/shared_cpu_list`);
    if (shared && shared.length > 0) return shared[0] as Cpu;
  }
  return null;
}

/**
 * Reads the topology of `cpus` from a sysfs tree. Pure file reading, so it works on fixture trees;
 * missing files give fallback values (each CPU its own core, package 0, node 0) and are listed in
 * `missing`, never guessed silently.
 */
export function readTopology(options: ReadTopologyOptions = {}): Topology {
  const sys = new SysReader(options.sysRoot ?? '/sys');
  const online = sys.list(`${CPU_DIR}/online`);
  let cpus = options.cpus ? [...options.cpus] : (online ?? []);
  if (!options.cpus && options.sysRoot === undefined && unsupportedReason === null) {
    const allowed = new Set(availableCpus());
    cpus = cpus.filter((cpu) => allowed.has(cpu));
  }
  cpus.sort((a, b) => a - b);
  const onlineSet = new Set(online ?? cpus);
  const nodeOf = nodeOfEachCpu(sys);

  const described = cpus.map((cpu): CpuTopology => {
    const dir = `${CPU_DIR}/cpu${cpu}/topology`;
    const siblings = sys.list(`${dir}/thread_siblings_list`) ?? [cpu];
    return {
      cpu,
      coreId: sys.integer(`${dir}/core_id`, cpu),
      packageId: sys.integer(`${dir}/physical_package_id`, 0),
      nodeId: nodeOf.get(cpu) ?? 0,
      siblings: siblings.filter((s) => s === cpu || onlineSet.has(s)),
      l3Group: l3GroupOf(sys, cpu),
    };
  });

  const distinct = (key: (c: CpuTopology) => unknown) => new Set(described.map(key)).size;
  return {
    cpus: described,
    packages: distinct((c) => c.packageId),
    cores: distinct((c) => `${c.packageId}:${c.siblings.join(',')}`),
    nodes: distinct((c) => c.nodeId),
    l3Groups: distinct((c) => c.l3Group),
    smt: described.some((c) => c.siblings.filter((s) => cpus.includes(s)).length > 1),
    missing: [...new Set(sys.missing)],
  };
}

let cached: Topology | undefined;

/**
 * The topology of this process's available CPUs (read once from `/sys`, then cached; pass
 * `{ refresh: true }` after CPU hotplug).
 */
export function topology(options: { refresh?: boolean } = {}): Topology {
  if (cached === undefined || options.refresh === true) cached = readTopology();
  return cached;
}
