// `dsync` on writev() is refused, as on read(): a writev() given it resolved as a plain pwritev
// before, and a caller who asked for durability silently lacked it.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IoRing } from '../src/index.js';
import { backends, tempDir } from './helpers/files.js';

const dir = tempDir();

describe.each(backends)('%s: dsync on writev', (backend) => {
  let ring: IoRing;
  beforeAll(() => {
    ring = new IoRing({ backend });
  });
  afterAll(() => ring.close());

  it('writev(..., { dsync: true }) is refused like read(), not silently run without RWF_DSYNC', async () => {
    const fd = await ring.open(join(dir, `${backend}-writev`), 'w+');
    const options = { dsync: true } as unknown as Parameters<IoRing['writev']>[3];
    let outcome: unknown;
    try {
      outcome = await ring.writev(fd, [Buffer.alloc(8, 1)], 0, options);
    } catch (e) {
      outcome = e;
    }
    // `dsync: false` asks for nothing durable: accepted, as read() accepts it.
    const plain = { dsync: false } as unknown as Parameters<IoRing['writev']>[3];
    const written = await ring.writev(fd, [Buffer.alloc(8, 2)], 0, plain);
    await ring.closeFile(fd);
    expect(outcome).toMatchObject({ code: 'ERR_CORELANE_INVALID_ARGUMENT' });
    expect(written).toBe(8);
  });
});
