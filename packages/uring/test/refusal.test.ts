// Operations refused before they reach the kernel (an AbortSignal already aborted, a buffer
// detached or shrunk between the call and the submit): the refused op rejects with its own
// error, the rest of its linked chain rejects with ECANCELED and never runs (as the kernel does
// for a failed link), and every other op staged in the same turn runs as if nothing happened.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IoRing } from '../src/index.js';
import { backends, pattern, tempDir } from './helpers/files.js';

const dir = tempDir();

const cancelledByChain = { code: 'ECANCELED', errno: -125, name: 'Error' };

/** A view whose buffer is detached by transferring it (what postMessage with a transfer list does). */
function detach(view: Uint8Array): void {
  structuredClone(view.buffer, { transfer: [view.buffer as ArrayBuffer] });
}

/** ES2024 resizable ArrayBuffers (Node 22+), which this package's TypeScript lib predates. */
type Resizable = ArrayBuffer & { resize(byteLength: number): void };
const Resizable = ArrayBuffer as unknown as new (byteLength: number, options: { maxByteLength: number }) => Resizable;

type Refusal = 'aborted' | 'detached' | 'shrunk';
const refusals: Refusal[] = ['aborted', 'detached', 'shrunk'];

/** A record to write and a way to refuse its write before the submit. */
function refusable(how: Refusal, bytes: Buffer): { view: Uint8Array; signal?: AbortSignal; refuse(): void } {
  if (how === 'aborted') return { view: bytes, signal: AbortSignal.abort(new Error('gave up')), refuse() {} };
  const buffer = new Resizable(bytes.length, { maxByteLength: 2 * bytes.length });
  const view = new Uint8Array(buffer);
  view.set(bytes);
  return { view, refuse: how === 'detached' ? () => detach(view) : () => buffer.resize(bytes.length / 4) };
}

const ownError: Record<Refusal, object> = {
  aborted: { code: 'ERR_CORELANE_CANCELLED' },
  detached: { code: 'ERR_CORELANE_INVALID_ARGUMENT', message: expect.stringMatching(/detached/) },
  shrunk: { code: 'ERR_CORELANE_INVALID_ARGUMENT', message: expect.stringMatching(/shr/) },
};

describe.each(backends)('%s: an op refused before submit', (backend) => {
  let ring: IoRing;
  beforeAll(() => {
    ring = new IoRing({ backend, entries: 16 });
  });
  afterAll(() => ring.close());

  it.each(refusals)('%s write -> fsync -> rename: the chain stops, the old file stays', async (how) => {
    const final = join(dir, `${backend}-${how}-final`);
    const tmp = `${final}.tmp`;
    writeFileSync(final, 'old content');
    const fd = await ring.open(tmp, 'w');
    const record = refusable(how, pattern(4096, 7));
    const batch = ring.batch();
    const write = batch.write(fd, record.view, 0, { link: true, signal: record.signal });
    const sync = batch.fsync(fd, { link: true });
    const rename = batch.rename(tmp, final);
    record.refuse();
    batch.submit();
    const [w, s, r] = await Promise.allSettled([write, sync, rename]);
    expect(w).toMatchObject({ status: 'rejected', reason: ownError[how] });
    expect(s).toMatchObject({ status: 'rejected', reason: { ...cancelledByChain, syscall: 'fsync' } });
    expect(r).toMatchObject({ status: 'rejected', reason: { ...cancelledByChain, syscall: 'rename' } });
    expect(readFileSync(final, 'utf8')).toBe('old content');
    expect(readFileSync(tmp).length).toBe(0); // the write never ran
    await ring.closeFile(fd);
  });

  it.each(refusals)('%s in the middle: the ops before it run, the ones after it do not', async (how) => {
    const path = join(dir, `${backend}-${how}-middle`);
    const fd = await ring.open(path, 'w+');
    const record = refusable(how, pattern(4096, 8));
    const batch = ring.batch();
    const first = batch.write(fd, pattern(4096, 1), 0, { link: true });
    const refused = batch.write(fd, record.view, 4096, { link: true, signal: record.signal });
    const after = batch.write(fd, pattern(4096, 3), 8192, { link: true });
    const guard = batch.linkTimeout(60_000, { link: true });
    const last = batch.fsync(fd);
    const unlinked = batch.write(fd, pattern(16, 4), 65_536); // another chain: it runs
    record.refuse();
    batch.submit();
    const settled = await Promise.allSettled([first, refused, after, guard, last, unlinked]);
    expect(settled[0]).toEqual({ status: 'fulfilled', value: 4096 });
    expect(settled[1]).toMatchObject({ status: 'rejected', reason: ownError[how] });
    expect(settled[2]).toMatchObject({ status: 'rejected', reason: { ...cancelledByChain, syscall: 'write' } });
    expect(settled[3]).toEqual({ status: 'fulfilled', value: false }); // its op never started
    expect(settled[4]).toMatchObject({ status: 'rejected', reason: { ...cancelledByChain, syscall: 'fsync' } });
    expect(settled[5]).toEqual({ status: 'fulfilled', value: 16 });
    const file = readFileSync(path);
    expect(file.subarray(0, 4096).equals(pattern(4096, 1))).toBe(true);
    expect(file.subarray(4096, 65_536).every((b) => b === 0)).toBe(true);
    expect(file.subarray(65_536).equals(pattern(16, 4))).toBe(true);
    await ring.closeFile(fd);
  });

  it.each(refusals)('%s single op: only it fails, with its own error; the ops staged after it run', async (how) => {
    const path = join(dir, `${backend}-${how}-turn`);
    const fd = await ring.open(path, 'w+');
    const record = refusable(how, pattern(4096, 9));
    const before = ring.write(fd, pattern(512, 1), 0);
    const refused = ring.write(fd, record.view, 512, { signal: record.signal });
    // Seven ops in all: fewer than submitEvery (8), so all are still staged when it is refused.
    const others = Array.from({ length: 4 }, (_, i) => ring.write(fd, pattern(512, 10 + i), 8192 + i * 512));
    const timer = ring.timeout(0);
    record.refuse(); // same turn: the ops are still staged
    const settled = await Promise.allSettled([before, refused, ...others, timer]);
    expect(settled[0]).toEqual({ status: 'fulfilled', value: 512 });
    for (const outcome of settled.slice(2, -1)) expect(outcome).toEqual({ status: 'fulfilled', value: 512 });
    expect(settled.at(-1)).toEqual({ status: 'fulfilled', value: undefined });
    expect(settled[1]).toMatchObject({ status: 'rejected', reason: ownError[how] });
    const file = readFileSync(path);
    for (let i = 0; i < 4; i++) {
      expect(file.subarray(8192 + i * 512, 8704 + i * 512).equals(pattern(512, 10 + i))).toBe(true);
    }
    expect(ring.inFlight).toBe(0);
    await ring.closeFile(fd);
  });

  it('a readv whose view shrank is refused alone; a read into a grown view reads what was asked', async () => {
    const path = join(dir, `${backend}-vector`);
    writeFileSync(path, pattern(8192, 5));
    const fd = await ring.open(path, 'r');
    const shrinking = new Resizable(1024, { maxByteLength: 4096 });
    const growing = new Resizable(1024, { maxByteLength: 4096 });
    const refused = ring.readv(fd, [new Uint8Array(1024), new Uint8Array(shrinking)], 0);
    const grown = new Uint8Array(growing);
    const read = ring.read(fd, grown, 0);
    const fine = ring.read(fd, Buffer.alloc(100), 0);
    shrinking.resize(10);
    growing.resize(4096);
    const settled = await Promise.allSettled([refused, read, fine]);
    expect(settled[0]).toMatchObject({ status: 'rejected', reason: ownError.shrunk });
    expect(settled[1]).toEqual({ status: 'fulfilled', value: 1024 });
    expect(Buffer.from(grown.subarray(0, 1024)).equals(pattern(8192, 5).subarray(0, 1024))).toBe(true);
    expect(settled[2]).toEqual({ status: 'fulfilled', value: 100 });
    await ring.closeFile(fd);
  });
});
