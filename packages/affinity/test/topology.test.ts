import { afterAll, describe, expect, it } from 'vitest';
import { availableCpus, readTopology, topology } from '../src/index.js';
import { removeSysTrees, sysTree } from './helpers/sysfs.js';

afterAll(removeSysTrees);

const read = (layout: Parameters<typeof sysTree>[0]) => readTopology({ sysRoot: sysTree(layout) });

describe('readTopology on fixture trees', () => {
  it('2-vCPU KVM guest (this machine kind): two cores, one L3, no SMT', () => {
    const t = read('kvm-2vcpu');
    expect(t.cpus.map((c) => c.cpu)).toEqual([0, 1]);
    expect([t.packages, t.cores, t.nodes, t.l3Groups, t.smt]).toEqual([1, 2, 1, 1, false]);
    expect(t.cpus[1]).toEqual({ cpu: 1, coreId: 1, packageId: 0, nodeId: 0, siblings: [1], l3Group: 0 });
    expect(t.missing).toEqual([]);
  });

  it('dual-socket Xeon with HT: siblings N and N+8, a NUMA node and an L3 per socket', () => {
    const t = read('xeon-2socket-smt');
    expect([t.cpus.length, t.packages, t.cores, t.nodes, t.l3Groups, t.smt]).toEqual([16, 2, 8, 2, 2, true]);
    const cpu5 = t.cpus.find((c) => c.cpu === 5);
    expect(cpu5).toEqual({ cpu: 5, coreId: 1, packageId: 1, nodeId: 1, siblings: [5, 13], l3Group: 4 });
    const cpu8 = t.cpus.find((c) => c.cpu === 8);
    expect(cpu8).toEqual({ cpu: 8, coreId: 0, packageId: 0, nodeId: 0, siblings: [0, 8], l3Group: 0 });
  });

  it('Ryzen with two CCX: one package and node, two L3 groups', () => {
    const t = read('ryzen-2ccx-smt');
    expect([t.packages, t.cores, t.nodes, t.l3Groups, t.smt]).toEqual([1, 8, 1, 2, true]);
    expect(t.cpus.filter((c) => c.l3Group === 4).map((c) => c.cpu)).toEqual([4, 5, 6, 7, 12, 13, 14, 15]);
  });

  it('SMT switched off: the offline siblings are not reported, each CPU is alone on its core', () => {
    const t = read('laptop-smt-off');
    expect(t.cpus.map((c) => c.cpu)).toEqual([0, 1, 2, 3]);
    expect(t.smt).toBe(false);
    expect(t.cores).toBe(4);
    for (const c of t.cpus) expect(c.siblings).toEqual([c.cpu]);
  });

  it('CPUs taken offline by hotplug are skipped; their cores lose them', () => {
    const t = read('hotplug-offline');
    expect(t.cpus.map((c) => c.cpu)).toEqual([0, 1, 2, 4, 5, 6]);
    expect(t.cores).toBe(3);
    expect(t.cpus.find((c) => c.cpu === 2)?.siblings).toEqual([2, 6]);
    expect(t.missing).toEqual([]);
  });

  it('a /sys without topology falls back loudly: every fallback file is listed in missing', () => {
    const t = read('container-no-topology');
    expect(t.cpus.map((c) => c.cpu)).toEqual([0, 1, 2, 3]);
    expect(t.cores).toBe(4);
    expect(t.cpus[2]).toEqual({ cpu: 2, coreId: 2, packageId: 0, nodeId: 0, siblings: [2], l3Group: null });
    expect(t.missing).toContain('devices/system/cpu/cpu2/topology/core_id');
    expect(t.missing).toContain('devices/system/cpu/cpu0/topology/thread_siblings_list');
  });

  it('restricts to the CPUs asked for', () => {
    const t = readTopology({ sysRoot: sysTree('xeon-2socket-smt'), cpus: [8, 0, 4] });
    expect(t.cpus.map((c) => c.cpu)).toEqual([0, 4, 8]);
    expect([t.packages, t.cores, t.smt]).toEqual([2, 2, true]);
  });
});

describe('topology() of this machine', () => {
  it('describes exactly the available CPUs', () => {
    expect(topology({ refresh: true }).cpus.map((c) => c.cpu)).toEqual(availableCpus());
  });
});
