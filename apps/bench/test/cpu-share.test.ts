// The uring read cases' CPU diagnostic: what it says, and that it says nothing before it has samples.
import { describe, expect, it } from 'vitest';
import { CpuShare } from '../src/suites/uring/cpu-share.js';

describe('CpuShare', () => {
  it('describes nothing until both sides have a sample', async () => {
    const cpu = new CpuShare();
    expect(cpu.describe('fio')).toBe('');
    cpu.peer(0.5);
    expect(cpu.describe('fio')).toBe('');
    await cpu.ours(async () => 1);
    expect(cpu.describe('fio')).toMatch(/ours \d+% of one CPU, fio 50%/);
  });

  it("passes the sample's result on, and leaves the warm-up sample out of the medians", async () => {
    const cpu = new CpuShare();
    expect(await cpu.ours(async () => 42)).toBe(42);
    await expect(
      cpu.ours(async () => {
        throw new Error('sample failed');
      }),
    ).rejects.toThrow('sample failed');
    for (const share of [0.9, 0.5, 0.6]) cpu.peer(share);
    // Warm-up 0.9 left out: the median of 0.5 and 0.6.
    expect(cpu.describe('fio')).toContain('fio 55%');
  });

  it('says a side is not CPU-bound only when neither used a whole CPU', async () => {
    const cpu = new CpuShare();
    await cpu.ours(async () => 0);
    cpu.peer(1.6);
    expect(cpu.describe('fio')).toContain('fio 160% (ours counts the io-wq workers');
    expect(cpu.describe('fio')).not.toContain('CPU-bound');
  });
});
