import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { runWorker } from '@corelane/shared/testing';
import { describe, expect, it } from 'vitest';
import {
  availableCpus,
  currentCpu,
  formatCpuList,
  osThreadId,
  pinThread,
  planPlacement,
  threadAffinity,
  unpinThread,
} from '../src/index.js';

interface PinReport {
  tid: number;
  before: number[];
  pinned: number[];
  after: number[];
  seen: [number, number][];
  checksum: number;
  allowedList: string;
  lastCpu: number;
}

const SAMPLES = 20_000;

describe('pinning worker threads', () => {
  it('workers pinned to distinct CPUs run only there, and /proc agrees', async () => {
    const cpus = planPlacement(Math.min(availableCpus().length, 8));
    const barrier = new SharedArrayBuffer(8);
    new Int32Array(barrier)[1] = cpus.length;
    const mainBefore = threadAffinity();

    const reports = await Promise.all(
      cpus.map((cpu) =>
        runWorker<PinReport>(new URL('./workers/pin-worker.mjs', import.meta.url), { cpu, samples: SAMPLES, barrier }),
      ),
    );

    expect(new Set(reports.map((r) => r.tid)).size).toBe(cpus.length); // really distinct threads
    reports.forEach((report, i) => {
      const cpu = cpus[i] as number;
      expect(report.before).toEqual(availableCpus());
      expect(report.pinned).toEqual([cpu]);
      expect(report.after).toEqual([cpu]);
      // every one of the samples saw the pinned CPU
      expect(report.seen).toEqual([[cpu, SAMPLES]]);
      expect(report.allowedList).toBe(String(cpu));
      expect(report.lastCpu).toBe(cpu);
    });
    // pinning a worker moves that worker only
    expect(threadAffinity()).toEqual(mainBefore);
  });
});

describe('pinning the calling thread', () => {
  const cpus = availableCpus();

  it('pin, re-pin and restore', () => {
    const first = cpus[0] as number;
    const last = cpus.at(-1) as number;
    try {
      expect(pinThread(first)).toEqual([first]);
      expect(threadAffinity()).toEqual([first]);
      expect(currentCpu()).toBe(first);

      expect(pinThread(last)).toEqual([last]);
      expect(threadAffinity()).toEqual([last]);
      expect(currentCpu()).toBe(last);

      expect(pinThread([last, first, first])).toEqual([...new Set([first, last])]);
      expect(threadAffinity()).toEqual([...new Set([first, last])]);
      const status = readFileSync(`/proc/self/task/${osThreadId()}/status`, 'utf8');
      expect(/^Cpus_allowed_list:\s*(\S+)$/m.exec(status)?.[1]).toBe(formatCpuList([first, last]));
    } finally {
      expect(unpinThread()).toEqual(cpus);
    }
    expect(threadAffinity()).toEqual(cpus);
  });

  it('osThreadId() is this thread: the main thread of a process has tid = pid', () => {
    expect(osThreadId()).toBe(process.pid);
  });
});

describe('availableCpus() respects taskset', () => {
  const hasTaskset = spawnSync('taskset', ['--version']).status === 0;
  const cpus = availableCpus();

  it.runIf(hasTaskset && cpus.length >= 2)('a process started under taskset sees only its CPU', () => {
    const only = cpus.at(-1) as number;
    const other = cpus[0] as number;
    const script = `
      const a = require(${JSON.stringify(new URL('../dist/index.cjs', import.meta.url).pathname)});
      let code = 'none';
      try { a.pinThread(${other}); } catch (e) { code = e.code; }
      console.log(JSON.stringify({ available: a.availableCpus(), affinity: a.threadAffinity(), code }));`;
    const out = execFileSync('taskset', ['-c', String(only), process.execPath, '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ available: [only], affinity: [only], code: 'ERR_CORELANE_CPU_UNAVAILABLE' });
  });
});
