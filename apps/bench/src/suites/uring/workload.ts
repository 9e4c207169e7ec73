// What every side of the uring suite runs: the test files, the random offsets, and the two
// loops (random 4 KiB reads at a queue depth; 64 KiB sequential writes with fdatasync every N)
// over a read/write function, so ours and fs.promises run the very same loop.
import { closeSync, constants, existsSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** 64 MiB: big enough to defeat caches with O_DIRECT, small enough for a 2-core machine. */
export const FILE_SIZE = 64 * 1024 * 1024;
export const READ_SIZE = 4096;
export const WRITE_SIZE = 64 * 1024;

/** Where a workload's file lives. `disk` reads bypass the page cache (O_DIRECT), as fio --direct=1. */
export type Medium = 'disk' | 'shm';

export const mediumDirs: Record<Medium, string> = { disk: '/tmp', shm: '/dev/shm' };

/** The open flags a side uses for random reads on `medium`. */
export function readFlags(medium: Medium): number {
  return medium === 'disk' ? constants.O_RDONLY | constants.O_DIRECT : constants.O_RDONLY;
}

const created = new Set<string>();

/** The 64 MiB read file on `medium`, written once per process and removed at exit. */
export function readFixture(medium: Medium): string {
  const path = join(mediumDirs[medium], `corelane-bench-uring-${process.pid}.bin`);
  if (!existsSync(path)) {
    const fd = openSync(path, 'w');
    const chunk = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 131) & 0xff;
    for (let at = 0; at < FILE_SIZE; at += chunk.length) writeSync(fd, chunk, 0, chunk.length, at);
    closeSync(fd);
    if (created.size === 0) process.once('exit', removeFixtures);
    created.add(path);
  }
  return path;
}

/** A path for a write workload on `medium` (removed at exit). */
export function writeTarget(medium: Medium): string {
  const path = join(mediumDirs[medium], `corelane-bench-uring-${process.pid}.wal`);
  if (created.size === 0) process.once('exit', removeFixtures);
  created.add(path);
  return path;
}

function removeFixtures(): void {
  for (const path of created) {
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  }
}

/** 4096 random 4 KiB-aligned offsets in the file, the same sequence for every side. */
export const offsets: Float64Array = (() => {
  const out = new Float64Array(4096);
  let x = 0x9e3779b9;
  const blocks = FILE_SIZE / READ_SIZE;
  for (let i = 0; i < out.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = (x % blocks) * READ_SIZE;
  }
  return out;
})();

// The bench's tsconfig has no DOM/wasm lib; this is the one constructor used from it.
const WasmMemory = (
  globalThis as unknown as { WebAssembly: { Memory: new (size: { initial: number }) => { buffer: ArrayBuffer } } }
).WebAssembly.Memory;

/**
 * Buffers for `count` concurrent reads, each 4 KiB-aligned in memory (O_DIRECT needs it): views
 * into a WebAssembly memory, whose base is page-aligned.
 */
export function alignedBuffers(count: number, size: number): Uint8Array[] {
  const pages = Math.ceil((count * size) / 65_536);
  const memory = new WasmMemory({ initial: pages });
  return Array.from({ length: count }, (_, i) => new Uint8Array(memory.buffer, i * size, size));
}

/** Keeps `depth` reads in flight for `ms`; returns reads per second. */
export async function randomReads(
  read: (buffer: Uint8Array, position: number) => Promise<number>,
  depth: number,
  ms: number,
): Promise<number> {
  const buffers = alignedBuffers(depth, READ_SIZE);
  let next = 0;
  let done = 0;
  const start = performance.now();
  const deadline = start + ms;
  const lane = async (buffer: Uint8Array): Promise<void> => {
    while (performance.now() < deadline) {
      const n = await read(buffer, offsets[next++ & 4095] as number);
      if (n !== READ_SIZE) throw new Error(`short read: ${n} bytes`);
      done++;
    }
  };
  await Promise.all(buffers.map(lane));
  return done / ((performance.now() - start) / 1000);
}

/**
 * Writes 64 KiB records sequentially for `ms`, `syncEvery` at a time, each group followed by an
 * fdatasync that must complete before the next group; returns bytes per second.
 */
export async function syncedWrites(
  writeGroup: (records: Uint8Array[], position: number) => Promise<void>,
  syncEvery: number,
  ms: number,
): Promise<number> {
  const records = Array.from({ length: syncEvery }, (_, i) => new Uint8Array(WRITE_SIZE).fill(i + 1));
  let position = 0;
  let bytes = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    await writeGroup(records, position);
    bytes += syncEvery * WRITE_SIZE;
    position = (position + syncEvery * WRITE_SIZE) % FILE_SIZE;
  }
  return bytes / ((performance.now() - start) / 1000);
}
