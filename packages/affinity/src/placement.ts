import {
  CorelaneRangeError,
  CorelaneTypeError,
  ErrorCode,
  optionalBoolean,
  requireInteger,
  requireOneOf,
  requireOptions,
} from '@corelane/shared';
import type { Cpu } from './cpus.js';
import { type CpuTopology, topology as machineTopology, type Topology } from './topology.js';

/** How `planPlacement()` chooses CPUs. */
export interface PlacementOptions {
  /**
   * `spread` (default): one core per L3 group, package and NUMA node in turn, so cores share as
   * little as possible. `pack`: fill one L3 group (and one core's SMT siblings) before the next,
   * so cores share caches.
   */
  policy?: 'spread' | 'pack';
  /** Use at most one CPU of each physical core, leaving its SMT siblings idle (default false). */
  avoidSmtSiblings?: boolean;
  /**
   * CPUs to leave free (for the main thread, the OS, interrupts): a count (the lowest-numbered
   * CPUs) or a list. With `avoidSmtSiblings`, their SMT siblings are left free too.
   */
  reserve?: number | readonly Cpu[];
  /** The layout to plan for (default: this machine's `topology()`). */
  topology?: Topology;
}

interface Core {
  cpus: CpuTopology[];
  first: CpuTopology;
  /** Some of its SMT siblings are reserved: its CPUs are used after those of whole cores. */
  partial: boolean;
}

/** Round-robin across groups: [[a,b],[c],[d,e]] → a,c,d,b,e. */
function interleave<T>(groups: T[][]): T[] {
  const out: T[] = [];
  for (let i = 0; out.length < groups.reduce((n, g) => n + g.length, 0); i++) {
    for (const group of groups) if (i < group.length) out.push(group[i] as T);
  }
  return out;
}

function groupBy<T>(items: T[], key: (item: T) => number | string): T[][] {
  const groups = new Map<number | string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return [...groups.values()];
}

/** Cores ordered so that consecutive ones are as far apart as possible: node, then package, then L3. */
function spreadOrder(cores: Core[]): Core[] {
  const levels: ((c: Core) => number)[] = [
    (c) => c.first.nodeId,
    (c) => c.first.packageId,
    (c) => c.first.l3Group ?? -1,
  ];
  const order = (group: Core[], level: number): Core[] => {
    const key = levels[level];
    if (key === undefined) return group;
    return interleave(groupBy(group, key).map((g) => order(g, level + 1)));
  };
  return order(cores, 0);
}

function reservedCpus(reserve: PlacementOptions['reserve'], all: CpuTopology[]): Set<Cpu> {
  if (reserve === undefined) return new Set();
  if (typeof reserve === 'number') {
    requireInteger('options.reserve', reserve, 0, all.length);
    return new Set(all.slice(0, reserve).map((c) => c.cpu));
  }
  if (!Array.isArray(reserve)) {
    throw new CorelaneTypeError(ErrorCode.INVALID_ARGUMENT, 'options.reserve must be a count or an array of CPUs');
  }
  const known = new Set(all.map((c) => c.cpu));
  reserve.forEach((cpu: unknown, i) => {
    requireInteger(`options.reserve[${i}]`, cpu, 0, 2 ** 20);
    if (!known.has(cpu as Cpu)) {
      throw new CorelaneRangeError(
        ErrorCode.CPU_UNAVAILABLE,
        `options.reserve[${i}] is CPU ${cpu}, not an available CPU`,
      );
    }
  });
  return new Set(reserve);
}

/**
 * Chooses the CPUs a runtime of `count` cores should pin its workers to, in worker order
 * (like glommio's `Placement::MaxSpread` / `MaxPack`). Pure: reads the topology, pins nothing.
 *
 * @throws RangeError `ERR_CORELANE_PLACEMENT` when fewer than `count` CPUs qualify.
 */
export function planPlacement(count: number, options: PlacementOptions = {}): Cpu[] {
  const opts = requireOptions('options', options);
  requireInteger('count', count, 1, 2 ** 20);
  const policy = opts.policy === undefined ? 'spread' : requireOneOf('options.policy', opts.policy, ['spread', 'pack']);
  const avoidSmt = optionalBoolean('options.avoidSmtSiblings', opts.avoidSmtSiblings, false);
  const layout = opts.topology ?? machineTopology();
  const reserved = reservedCpus(opts.reserve, layout.cpus);

  const cores = groupBy(layout.cpus, (c) => `${c.packageId}:${c.siblings.join(',')}`)
    .filter((cpus) => !(avoidSmt && cpus.some((c) => reserved.has(c.cpu))))
    .map((all) => ({ all, cpus: all.filter((c) => !reserved.has(c.cpu)) }))
    .filter(({ cpus }) => cpus.length > 0)
    .map(({ all, cpus }): Core => ({ cpus, first: cpus[0] as CpuTopology, partial: cpus.length < all.length }))
    .sort((a, b) => Number(a.partial) - Number(b.partial));

  const ordered =
    policy === 'pack'
      ? [...cores].sort(
          (a, b) =>
            a.first.nodeId - b.first.nodeId ||
            a.first.packageId - b.first.packageId ||
            (a.first.l3Group ?? -1) - (b.first.l3Group ?? -1) ||
            a.first.cpu - b.first.cpu,
        )
      : spreadOrder(cores);

  let cpus: Cpu[];
  if (avoidSmt) cpus = ordered.map((core) => core.first.cpu);
  else if (policy === 'pack') cpus = ordered.flatMap((core) => core.cpus.map((c) => c.cpu));
  else cpus = interleave(ordered.map((core) => core.cpus.map((c) => c.cpu)));

  if (cpus.length < count) {
    throw new CorelaneRangeError(
      ErrorCode.PLACEMENT,
      `cannot place ${count} cores: only ${cpus.length} CPUs qualify` +
        ` (policy '${policy}', avoidSmtSiblings ${avoidSmt}, ${reserved.size} reserved)`,
    );
  }
  return cpus.slice(0, count);
}
