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
  return fixture(join(mediumDirs[medium], `corelane-bench-uring-${process.pid}.bin`));
}

/**
 * The file the write workload overwrites on `medium`: 64 MiB, written in full once per process
 * (removed at exit). Every side overwrites blocks that already exist, with no truncation: fio
 * lays its file out at --size before it measures, so an fdatasync of ours or fs.promises must
 * not pay for block allocation and size changes that fio's never does.
 */
export function writeTarget(medium: Medium): string {
  return fixture(join(mediumDirs[medium], `corelane-bench-uring-${process.pid}.wal`));
}

function fixture(path: string): string {
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

function removeFixtures(): void {
  for (const path of created) {
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  }
}

const BLOCKS = FILE_SIZE / READ_SIZE;

/**
 * Every 4 KiB block of the file once, in a random order (a seeded shuffle), the same sequence
 * for every side. fio --rw=randread does the same by default (its random map reads each block
 * once per pass), so no side gets repeated offsets that a disk or host cache could serve.
 */
export const offsets: Float64Array = (() => {
  const out = new Float64Array(BLOCKS);
  for (let i = 0; i < BLOCKS; i++) out[i] = i * READ_SIZE;
  let x = 0x9e3779b9;
  for (let i = BLOCKS - 1; i > 0; i--) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    const j = x % (i + 1);
    const t = out[i] as number;
    out[i] = out[j] as number;
    out[j] = t;
  }
  return out;
})();

// The bench's tsconfig has no DOM/wasm lib; this is the one constructor used from it.
const WasmMemory = (
  globalThis as unknown as {
    WebAssembly: {
      Memory: new (size: { initial: number; maximum: number; shared: boolean }) => { buffer: ArrayBufferLike };
    };
  }
).WebAssembly.Memory;

/**
 * Buffers for `count` concurrent reads, each 4 KiB-aligned in memory (O_DIRECT needs it): views
 * into a shared WebAssembly memory, whose base is page-aligned. Every side reads into the same
 * kind of buffer: a SharedArrayBuffer is what JS can neither detach nor shrink, so the kernel
 * may read into it in place (as fio reads into its own buffers), and fs.promises takes it too.
 */
export function alignedBuffers(count: number, size: number): Uint8Array[] {
  const pages = Math.ceil((count * size) / 65_536);
  const memory = new WasmMemory({ initial: pages, maximum: pages, shared: true });
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
      const n = await read(buffer, offsets[next++ % BLOCKS] as number);
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
  // Over a SharedArrayBuffer, as the read buffers: every side writes from the same memory.
  const records = Array.from({ length: syncEvery }, (_, i) =>
    new Uint8Array(new SharedArrayBuffer(WRITE_SIZE)).fill(i + 1),
  );
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
