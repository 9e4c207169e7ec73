// The names renamed to the vocabulary every corelane package keeps (CONTRIBUTING.md) still work
// for one release, and each warns once per process with its DeprecationWarning code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IoRing } from '../src/index.js';
import { backends } from './helpers/files.js';

const warnings: { code: string | undefined; message: string }[] = [];
const onWarning = (warning: Error & { code?: string }) => {
  if (warning.name === 'DeprecationWarning') warnings.push({ code: warning.code, message: warning.message });
};
beforeAll(() => {
  process.on('warning', onWarning);
});
afterAll(() => {
  process.off('warning', onWarning);
});

/** Warnings are emitted on the next tick. */
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe.each(backends)('%s: old names', (backend) => {
  it('destroy() closes the ring (CORELANE_DEP0001); destroyed reads closed', async () => {
    const ring = new IoRing({ backend });
    const pending = ring.timeout(60_000);
    ring.submit();
    ring.destroy();
    expect(ring.closed).toBe(true);
    expect(ring.destroyed).toBe(true);
    await expect(pending).rejects.toMatchObject({ code: 'ERR_CORELANE_CANCELLED' });
    await tick();
    expect(warnings.filter((w) => w.code === 'CORELANE_DEP0001')).toEqual([
      { code: 'CORELANE_DEP0001', message: 'IoRing.destroyed / destroy() is deprecated; use IoRing.closed / close()' },
    ]);
  });

  it('close(fd) closes a file descriptor (CORELANE_DEP0002), on a batch too; close() shuts the ring', async () => {
    const ring = new IoRing({ backend });
    const fd = await ring.open(process.execPath, 'r');
    await expect(ring.close(fd)).resolves.toBeUndefined();
    await expect(ring.read(fd, Buffer.alloc(1), 0)).rejects.toMatchObject({ code: 'EBADF' });
    const other = await ring.open(process.execPath, 'r');
    const batch = ring.batch();
    const closed = batch.close(other);
    batch.submit();
    await expect(closed).resolves.toBeUndefined();
    await tick();
    expect(warnings.filter((w) => w.code === 'CORELANE_DEP0002')).toEqual([
      { code: 'CORELANE_DEP0002', message: 'IoRing.close(fd) is deprecated; use IoRing.closeFile(fd)' },
    ]);
    expect(ring.close()).toBeUndefined();
    expect(ring.closed).toBe(true);
  });

  it('option submitBatch is submitEvery (CORELANE_DEP0003); both at once is refused', async () => {
    const ring = new IoRing({ backend, submitBatch: 2 });
    const fd = await ring.open(process.execPath, 'r');
    const first = ring.read(fd, Buffer.alloc(8), 0);
    expect(ring.inFlight).toBe(1); // staged
    const second = ring.read(fd, Buffer.alloc(8), 8); // the second staged op submits both
    expect(await Promise.all([first, second])).toEqual([8, 8]);
    await ring.closeFile(fd);
    ring.close();
    expect(() => new IoRing({ backend, submitBatch: 2, submitEvery: 2 })).toThrow(
      expect.objectContaining({ code: 'ERR_CORELANE_INVALID_ARGUMENT' }),
    );
    await tick();
    expect(warnings.filter((w) => w.code === 'CORELANE_DEP0003')).toEqual([
      { code: 'CORELANE_DEP0003', message: 'IoRing option submitBatch is deprecated; use submitEvery' },
    ]);
  });
});
