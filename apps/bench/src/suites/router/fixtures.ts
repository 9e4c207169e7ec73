// What the router cases share: the partition count, a sink that keeps results alive, loops sized
// from the run, and one temp folder for key files.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { partition } from '@corelane/router';
import type { CaseContext } from '../../harness/suite.js';
import type { LoopBudget } from '../../harness/timing.js';

/** Partitions: a core count that is not a power of two, so `% n` is a real division. */
export const N = 12;

/** Keys per pass of a per-key case (all of them stay in cache), and per hashBatch() call. */
export const KEYS_PER_PASS = 1024;
export const KEYS_PER_BATCH = 10_000;

let sink = 0;

/** Keeps a result observable (a module variable outlives the loop), so no engine can drop the work. */
export function consume(value: number): void {
  sink = (sink + value) | 0;
}

/** One sample: at least this long, in passes over the key set. */
export function passLoop(ctx: CaseContext): LoopBudget {
  return ctx.quick
    ? { targetMs: 50, minIterations: 3, maxIterations: 1_000_000 }
    : { targetMs: 150, minIterations: 10, maxIterations: 10_000_000 };
}

/** The same duration for the Rust peer's own timing loop. */
export function peerTargetMs(ctx: CaseContext): number {
  return passLoop(ctx).targetMs;
}

/** A temp folder for one case's key file, and its removal. */
export function tempFolder(): { dir: string; file: (name: string) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'corelane-bench-router-'));
  return { dir, file: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * One pass of our side of every per-key case: `partition(key, 12)` for each key, summed. One
 * function shared by all cases, so every case measures the same compiled code.
 */
export function sumPartitions(keys: readonly (Uint8Array | string)[]): number {
  let sum = 0;
  for (let i = 0; i < keys.length; i++) sum += partition(keys[i] as Uint8Array | string, N);
  return sum;
}
