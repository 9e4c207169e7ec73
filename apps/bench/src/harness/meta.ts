import os from 'node:os';
import type { RunMeta } from './result.js';

/** Facts about this machine and run, so that a report read later says where its numbers came from. */
export function collectMeta(run: {
  quick: boolean;
  rounds: number;
  warmupRounds: number;
  suites: string[];
  durationMs: number;
  date?: Date;
}): RunMeta {
  const cpus = os.cpus();
  return {
    date: (run.date ?? new Date()).toISOString(),
    node: process.version,
    v8: process.versions.v8,
    platform: process.platform,
    arch: process.arch,
    kernel: os.release(),
    cpuModel: cpus[0]?.model.trim() || 'unknown',
    cpuCount: cpus.length,
    availableParallelism: os.availableParallelism(),
    quick: run.quick,
    rounds: run.rounds,
    warmupRounds: run.warmupRounds,
    suites: run.suites,
    durationMs: run.durationMs,
  };
}
