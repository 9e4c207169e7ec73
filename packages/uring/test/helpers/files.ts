import { execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { Backend } from '../../src/index.js';

/** Every test file runs its cases once per backend. */
export const backends: readonly Backend[] = ['io_uring', 'threadpool'];

/** A fresh directory under `root` (os.tmpdir()), removed when the test file finishes. */
export function tempDir(root = tmpdir()): string {
  const dir = mkdtempSync(join(root, 'corelane-uring-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Deterministic bytes: a different pattern for every seed, unaligned-friendly. */
export function pattern(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** FNV-1a over the bytes. */
export function checksum(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

/**
 * A named pipe opened read-write: a read on it stays in flight until the test writes to it,
 * which makes "in flight" deterministic without any timing.
 */
export function pipeFd(dir: string, name: string): number {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  return openSync(path, 'r+');
}
