// corelane-kv runtimes for the tests of one file: each is stopped, and its data dir removed,
// after the test that started it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { type KvRuntime, type KvRuntimeOptions, startKvRuntime } from '../../dist/index.js';

/** Registers the cleanup; `start` runs a runtime (with a fresh data dir under `prefix` when `persistent`). */
export function runtimes(prefix: string): {
  start(options: Omit<KvRuntimeOptions, 'dir'>, persistent?: boolean): Promise<{ kv: KvRuntime; dir: string | null }>;
} {
  const started: { kv: KvRuntime; dir: string | null }[] = [];
  afterEach(async () => {
    for (const { kv, dir } of started.splice(0)) {
      await kv.stop();
      if (dir !== null) await rm(dir, { recursive: true, force: true });
    }
  });
  return {
    async start(options, persistent = false) {
      const dir = persistent ? await mkdtemp(join(tmpdir(), prefix)) : null;
      const kv = await startKvRuntime({ ...options, ...(dir === null ? {} : { dir }) });
      started.push({ kv, dir });
      return { kv, dir };
    },
  };
}
