import { afterAll, describe, expect, it } from 'vitest';
import { availableCpus, planPlacement, readTopology } from '../src/index.js';
import { type Layout, removeSysTrees, sysTree } from './helpers/sysfs.js';

afterAll(removeSysTrees);

const on = (layout: Layout) => readTopology({ sysRoot: sysTree(layout) });

describe('planPlacement', () => {
  it('spread alternates NUMA nodes, then uses the second SMT threads last (dual-socket Xeon)', () => {
    const topology = on('xeon-2socket-smt');
    expect(planPlacement(4, { topology })).toEqual([0, 4, 1, 5]);
    expect(planPlacement(10, { topology })).toEqual([0, 4, 1, 5, 2, 6, 3, 7, 8, 12]);
    expect(planPlacement(16, { topology }).sort((a, b) => a - b)).toEqual([...Array(16).keys()]);
  });

  it('spread alternates L3 groups within one package (Ryzen CCX)', () => {
    expect(planPlacement(4, { topology: on('ryzen-2ccx-smt') })).toEqual([0, 4, 1, 5]);
  });

  it('pack fills a core, then an L3 group, before moving on', () => {
    const topology = on('xeon-2socket-smt');
    expect(planPlacement(4, { policy: 'pack', topology })).toEqual([0, 8, 1, 9]);
    expect(planPlacement(4, { policy: 'pack', avoidSmtSiblings: true, topology })).toEqual([0, 1, 2, 3]);
    expect(planPlacement(6, { policy: 'pack', avoidSmtSiblings: true, topology })).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('avoidSmtSiblings takes one CPU per physical core', () => {
    const topology = on('ryzen-2ccx-smt');
    const cpus = planPlacement(8, { avoidSmtSiblings: true, topology });
    const cores = cpus.map((cpu) => topology.cpus.find((c) => c.cpu === cpu)?.coreId);
    expect(new Set(cores).size).toBe(8);
    expect(() => planPlacement(9, { avoidSmtSiblings: true, topology })).toThrow(
      expect.objectContaining({ code: 'ERR_CORELANE_PLACEMENT' }),
    );
  });

  it('reserve leaves CPUs free, and with avoidSmtSiblings their siblings too', () => {
    const topology = on('xeon-2socket-smt');
    expect(planPlacement(3, { reserve: 1, topology })).toEqual([1, 4, 2]);
    expect(planPlacement(3, { reserve: 1, avoidSmtSiblings: true, topology })).toEqual([1, 4, 2]);
    expect(planPlacement(15, { reserve: 1, topology })).not.toContain(0);
    expect(planPlacement(7, { reserve: [0], avoidSmtSiblings: true, topology })).not.toContain(8);
    expect(() => planPlacement(8, { reserve: [0], avoidSmtSiblings: true, topology })).toThrow(
      expect.objectContaining({ code: 'ERR_CORELANE_PLACEMENT' }),
    );
  });

  it('plans only online CPUs (hotplug, SMT off)', () => {
    expect(planPlacement(6, { policy: 'pack', topology: on('hotplug-offline') })).toEqual([0, 4, 1, 5, 2, 6]);
    expect(planPlacement(4, { topology: on('laptop-smt-off') })).toEqual([0, 1, 2, 3]);
  });

  it('every plan on this machine names distinct available CPUs', () => {
    const cpus = availableCpus();
    for (const policy of ['spread', 'pack'] as const) {
      const plan = planPlacement(cpus.length, { policy });
      expect(new Set(plan).size).toBe(cpus.length);
      expect([...plan].sort((a, b) => a - b)).toEqual(cpus);
    }
  });

  const bad: [string, () => unknown, typeof TypeError | typeof RangeError, string][] = [
    ['count 0', () => planPlacement(0), RangeError, 'ERR_CORELANE_OUT_OF_RANGE'],
    ['count 1.5', () => planPlacement(1.5), RangeError, 'ERR_CORELANE_OUT_OF_RANGE'],
    ['count "2"', () => planPlacement('2' as never), TypeError, 'ERR_CORELANE_INVALID_ARGUMENT'],
    ['policy "far"', () => planPlacement(1, { policy: 'far' as never }), RangeError, 'ERR_CORELANE_OUT_OF_RANGE'],
    ['reserve -1', () => planPlacement(1, { reserve: -1 }), RangeError, 'ERR_CORELANE_OUT_OF_RANGE'],
    ['reserve [9999]', () => planPlacement(1, { reserve: [9999] }), RangeError, 'ERR_CORELANE_CPU_UNAVAILABLE'],
    [
      'avoidSmtSiblings "yes"',
      () => planPlacement(1, { avoidSmtSiblings: 'yes' as never }),
      TypeError,
      'ERR_CORELANE_INVALID_ARGUMENT',
    ],
    ['too many cores', () => planPlacement(availableCpus().length + 1), RangeError, 'ERR_CORELANE_PLACEMENT'],
  ];
  it.each(bad)('%s throws a typed error', (_label, call, errorClass, code) => {
    expect(call).toThrow(errorClass);
    expect(call).toThrow(expect.objectContaining({ code }));
  });
});
