// Reads and writes over SharedArrayBuffers name their memory by (table index, byte offset)
// (src/shared-memory.ts): the bytes land in the right buffer at the right place whatever mix of
// buffers, offsets and growth the ops in flight use, and a collected buffer's index is reused.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IoRing } from '../src/index.js';
import { SharedMemoryTable } from '../src/shared-memory.js';
import { backends, checksum, pattern, tempDir } from './helpers/files.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const dir = tempDir();

// The package's lib (ES2022, no DOM) types neither growable SharedArrayBuffers nor WebAssembly.
type Growable = SharedArrayBuffer & { grow(bytes: number): void };
const GrowableBuffer = SharedArrayBuffer as unknown as new (
  bytes: number,
  options: { maxByteLength: number },
) => Growable;
const WasmMemory = (
  globalThis as unknown as {
    WebAssembly: {
      Memory: new (size: {
        initial: number;
        maximum: number;
        shared: boolean;
      }) => {
        buffer: SharedArrayBuffer;
        grow(pages: number): void;
      };
    };
  }
).WebAssembly.Memory;

/** Collects garbage and lets the FinalizationRegistry callbacks run. */
async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('SharedMemoryTable', () => {
  it('gives each live buffer its own index, registers it once, and refuses non-shared views', () => {
    const registered: [number, Uint8Array][] = [];
    const table = new SharedMemoryTable((index, view) => registered.push([index, view]) > 0);
    const a = new SharedArrayBuffer(64);
    const b = new SharedArrayBuffer(64);
    const ia = table.indexOf(new Uint8Array(a, 8, 8));
    const ib = table.indexOf(new Uint8Array(b));
    expect(ia).not.toBe(ib);
    expect(table.indexOf(new Uint8Array(a, 32))).toBe(ia);
    table.forgetLast();
    expect(table.indexOf(new Uint8Array(b, 1, 2))).toBe(ib);
    expect(table.indexOf(new Uint8Array(a))).toBe(ia);
    expect(registered.map(([index]) => index)).toEqual([ia, ib]);
    expect(table.indexOf(new Uint8Array(64))).toBe(-1);
    expect(registered).toHaveLength(2);
  });

  it('hands out no index the native side refused, and tries again next time', () => {
    let accept = false;
    const seen: number[] = [];
    const table = new SharedMemoryTable((index) => {
      seen.push(index);
      return accept;
    });
    const view = new Uint8Array(new SharedArrayBuffer(16));
    expect(table.indexOf(view)).toBe(-1);
    accept = true;
    expect(table.indexOf(view)).toBe(seen[0]);
    expect(seen).toEqual([seen[0], seen[0]]);
  });

  it('reuses the index of a buffer once it was collected, never that of a live one', async () => {
    const table = new SharedMemoryTable(() => true);
    const live = new SharedArrayBuffer(16);
    const liveIndex = table.indexOf(new Uint8Array(live));
    const dropped = new Set<number>();
    for (let i = 0; i < 50; i++) dropped.add(table.indexOf(new Uint8Array(new SharedArrayBuffer(16))));
    table.forgetLast();
    expect(dropped.has(liveIndex)).toBe(false);
    await collect();
    const fresh = Array.from({ length: 50 }, () => new SharedArrayBuffer(16));
    const indexes = fresh.map((buffer) => table.indexOf(new Uint8Array(buffer)));
    expect(new Set(indexes).size).toBe(50);
    expect(indexes).not.toContain(liveIndex);
    // Every collected index is reused before any new one is made.
    expect(indexes.every((index) => dropped.has(index))).toBe(true);
    expect(table.indexOf(new Uint8Array(live))).toBe(liveIndex);
  });
});

describe.each(backends)('%s: reads and writes over SharedArrayBuffers', (backend) => {
  let ring: IoRing;
  beforeAll(() => {
    ring = new IoRing({ backend });
  });
  afterAll(() => ring.close());

  it('lands every byte at its own offset of its own buffer, many buffers and offsets in flight at once', async () => {
    const path = join(dir, `${backend}-mixed`);
    const size = 256 * 1024;
    const source = pattern(size, 21);
    const fd = await ring.open(path, 'w+');
    // Writes from views at odd offsets of several buffers, interleaved (the table's last-buffer
    // cache switches at every op), all in flight at once.
    const buffers = [1, 2, 3, 4].map(() => new Uint8Array(new SharedArrayBuffer(size)));
    for (const b of buffers) b.set(source);
    const chunks = Array.from({ length: 64 }, (_, i) => ({ at: i * 4096 + (i % 7), length: 1000 + (i % 5) * 300 }));
    const written = await Promise.all(
      chunks.map(({ at, length }, i) =>
        ring.write(fd, new Uint8Array((buffers[i % 4] as Uint8Array).buffer, at, length), at),
      ),
    );
    expect(written).toEqual(chunks.map((c) => c.length));
    const file = readFileSync(path);
    for (const { at, length } of chunks)
      expect(checksum(file.subarray(at, at + length))).toBe(checksum(source.subarray(at, at + length)));
    // Reads back into other buffers, each chunk at a different offset than its file position.
    const targets = [1, 2, 3].map(() => new Uint8Array(new SharedArrayBuffer(size + 8192)));
    const read = await Promise.all(
      chunks.map(({ at, length }, i) =>
        ring.read(fd, (targets[i % 3] as Uint8Array).subarray(at + 4096, at + 4096 + length), at),
      ),
    );
    expect(read).toEqual(chunks.map((c) => c.length));
    chunks.forEach(({ at, length }, i) => {
      const back = (targets[i % 3] as Uint8Array).subarray(at + 4096, at + 4096 + length);
      expect(checksum(back)).toBe(checksum(source.subarray(at, at + length)));
    });
    // Bytes no chunk was read into are still zero: nothing landed at a wrong place.
    const covered = targets.map(() => new Uint8Array(size + 8192));
    chunks.forEach(({ at, length }, i) => {
      (covered[i % 3] as Uint8Array).fill(1, at + 4096, at + 4096 + length);
    });
    targets.forEach((t, k) => {
      const mask = covered[k] as Uint8Array;
      expect(t.every((byte, j) => mask[j] === 1 || byte === 0)).toBe(true);
    });
    await ring.closeFile(fd);
  });

  it('uses the base of a growable buffer and of a shared WebAssembly.Memory after each grows', async () => {
    const path = join(dir, `${backend}-grow`);
    const data = pattern(4 * 65_536, 22);
    const fd = await ring.open(path, 'w+');
    expect(await ring.write(fd, data, 0)).toBe(data.length);
    const growable = new GrowableBuffer(4096, { maxByteLength: 4 * 65_536 });
    const memory = new WasmMemory({ initial: 1, maximum: 4, shared: true });
    for (let round = 0; round < 3; round++) {
      const at = round * 65_536 + 123;
      const tracking = new Uint8Array(growable); // length-tracking: grows with its buffer
      const wasm = new Uint8Array(memory.buffer, round * 65_536, 65_536);
      expect(await Promise.all([ring.read(fd, tracking.subarray(7, 4007), at), ring.read(fd, wasm, at)])).toEqual([
        4000, 65_536,
      ]);
      expect(Buffer.from(growable, 7, 4000).equals(data.subarray(at, at + 4000))).toBe(true);
      expect(Buffer.from(memory.buffer, round * 65_536, 65_536).equals(data.subarray(at, at + 65_536))).toBe(true);
      growable.grow(growable.byteLength + 65_536);
      memory.grow(1); // a new SharedArrayBuffer object over the same memory
    }
    await ring.closeFile(fd);
  });

  it('reads into fresh buffers correctly after earlier ones were collected and their indexes reused', async () => {
    const path = join(dir, `${backend}-churn`);
    const data = pattern(64 * 1024, 23);
    const fd = await ring.open(path, 'w+');
    expect(await ring.write(fd, data, 0)).toBe(data.length);
    const keep = new Uint8Array(new SharedArrayBuffer(1024));
    expect(await ring.read(fd, keep, 0)).toBe(1024);
    for (let round = 0; round < 4; round++) {
      const views = Array.from({ length: 40 }, () => new Uint8Array(new SharedArrayBuffer(1024)));
      const at = (k: number) => ((round * 40 + k) * 997) % (data.length - 1024);
      expect(await Promise.all(views.map((view, k) => ring.read(fd, view, at(k))))).toEqual(views.map(() => 1024));
      views.forEach((view, k) => {
        expect(Buffer.from(view.buffer).equals(data.subarray(at(k), at(k) + 1024))).toBe(true);
      });
      views.length = 0;
      await collect();
    }
    // The buffer that stayed alive all along kept its bytes: no later read landed in it.
    expect(Buffer.from(keep.buffer).equals(data.subarray(0, 1024))).toBe(true);
    await ring.closeFile(fd);
  });

  it("takes a view's place from the view itself, not from getters it overrides (seen landing where the lying getters said)", async () => {
    const path = join(dir, `${backend}-lying`);
    const data = pattern(8192, 29);
    const fd = await ring.open(path, 'w+');
    expect(await ring.write(fd, data, 0)).toBe(data.length);
    const lie = (view: Uint8Array, name: 'buffer' | 'byteOffset' | 'byteLength', value: unknown): Uint8Array =>
      Object.defineProperty(view, name, { get: () => value });
    const memory = new SharedArrayBuffer(8192);
    const other = new SharedArrayBuffer(8192);
    const zero = (bytes: Uint8Array): boolean => bytes.every((b) => b === 0);
    // byteOffset says 4096: the bytes belong at 0..16, where the view really is.
    expect(await ring.read(fd, lie(new Uint8Array(memory, 0, 16), 'byteOffset', 4096), 0)).toBe(16);
    // buffer names another SharedArrayBuffer: the bytes belong in the view's own.
    expect(await ring.read(fd, lie(new Uint8Array(memory, 16, 16), 'buffer', other), 16)).toBe(16);
    expect(Buffer.from(memory, 0, 32).equals(data.subarray(0, 32))).toBe(true);
    expect(zero(new Uint8Array(memory, 32))).toBe(true);
    expect(zero(new Uint8Array(other))).toBe(true);
    // byteLength says 4096 of a 16-byte view: refused, or no more than 16 bytes; none past it.
    const long = lie(new Uint8Array(memory, 32, 16), 'byteLength', 4096);
    const read = await ring.read(fd, long, 32).catch((error: { code?: string }) => error.code);
    expect([16, 'ERR_CORELANE_SYSTEM']).toContain(read); // refused at the submit (EINVAL)
    expect(zero(new Uint8Array(memory, 48))).toBe(true);
    await ring.closeFile(fd);
  });
});
