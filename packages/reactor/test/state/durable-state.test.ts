// DurableState on both backends: commits apply in order once durable, reopen restores the
// newest checkpoint and applies the log after it, checkpointEvery checkpoints by itself and
// drops the log it covers, and what cannot be trusted is refused with a typed error.
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DurableState } from '../../src/wal/index.js';
import { backends, tempDir } from '../wal/helpers.js';
import { type Add, add, type Counter, counterSpec, expectedCounter } from './counter-spec.js';

const root = tempDir('corelane-state-');
const wal = (backend: (typeof backends)[number]) => ({ segmentSize: 64 * 1024, backend });

describe.each(backends)('DurableState on %s', (backend) => {
  it('applies concurrent commits in commit order, once durable, and reopens to the same state', async () => {
    const dir = join(root, `basic-${backend}`);
    const state = await DurableState.open(dir, counterSpec, { fsync: 'always', wal: wal(backend) });
    expect(state.state).toEqual(counterSpec.init());
    const pending = Array.from({ length: 400 }, (_, v) => state.commit(add(v)));
    expect(state.state.n).toBe(0); // nothing applies before it is durable
    await Promise.all(pending);
    expect(state.state).toEqual(expectedCounter(400));
    expect(state.appliedSeq).toBe(400);
    expect(state.wal.backend).toBe(backend);
    await state.close();
    const again = await DurableState.open(dir, counterSpec, { fsync: 'always', wal: wal(backend) });
    expect(again.state).toEqual(expectedCounter(400));
    expect(again.checkpointSeq).toBe(0);
    await again.close();
  });

  it('a second open of the same directory is ERR_CORELANE_WAL_LOCKED and leaves its checkpoints alone', async () => {
    const dir = join(root, `locked-${backend}`);
    const state = await DurableState.open(dir, counterSpec, { fsync: 'always', wal: wal(backend) });
    await Promise.all(Array.from({ length: 20 }, (_, v) => state.commit(add(v))));
    // A checkpoint of the first in progress: its temporary file must survive the refused open.
    const temp = join(dir, `${'20'.padStart(20, '0')}.ckpt.tmp`);
    writeFileSync(temp, 'in progress');
    await expect(DurableState.open(dir, counterSpec, { fsync: 'always', wal: wal(backend) })).rejects.toMatchObject({
      code: 'ERR_CORELANE_WAL_LOCKED',
    });
    expect(existsSync(temp)).toBe(true);
    await state.commit(add(20));
    expect(state.state).toEqual(expectedCounter(21));
    await state.close();
    const again = await DurableState.open(dir, counterSpec, { fsync: 'always', wal: wal(backend) });
    expect(again.state).toEqual(expectedCounter(21));
    expect(existsSync(temp)).toBe(false); // the leftover of an interrupted checkpoint goes at open
    await again.close();
  });

  it('restores the newest checkpoint and applies only the records after it', async () => {
    const dir = join(root, `checkpoint-${backend}`);
    const state = await DurableState.open(dir, counterSpec, { fsync: 'always', wal: wal(backend) });
    await Promise.all(Array.from({ length: 600 }, (_, v) => state.commit(add(v))));
    const segments = state.wal.segments;
    expect(segments).toBeGreaterThan(1);
    await state.checkpoint();
    expect(state.checkpointSeq).toBe(600);
    expect(state.wal.segments).toBe(1); // the segments the checkpoint covers are gone
    await Promise.all(Array.from({ length: 10 }, (_, i) => state.commit(add(600 + i))));
    await state.close();
    let applied = 0;
    const counting = {
      ...counterSpec,
      apply: (s: Counter, r: Add) => {
        applied++;
        counterSpec.apply(s, r);
      },
    };
    const again = await DurableState.open(dir, counting, { fsync: 'always', wal: wal(backend) });
    expect(again.state).toEqual(expectedCounter(610));
    expect(applied).toBe(10);
    expect(readdirSync(dir).filter((n) => n.endsWith('.ckpt'))).toEqual([`${String(600).padStart(20, '0')}.ckpt`]);
    await again.close();
  });

  it.each(['interval', 'none'] as const)("checkpointEvery under fsync: '%s' checkpoints by itself", async (fsync) => {
    const dir = join(root, `every-${fsync}-${backend}`);
    const state = await DurableState.open(dir, counterSpec, {
      fsync,
      ...(fsync === 'interval' ? { intervalMs: 5 } : {}),
      checkpointEvery: { records: 100 },
      wal: wal(backend),
    });
    for (let v = 0; v < 1000; v += 50)
      await Promise.all(Array.from({ length: 50 }, (_, i) => state.commit(add(v + i))));
    // By itself: a checkpoint was taken with no checkpoint() call (bounded wait for the background one).
    for (let i = 0; i < 500 && state.checkpointSeq === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(state.checkpointSeq).toBeGreaterThan(0);
    await state.checkpoint(); // waits for a background one, then takes its own
    expect(state.checkpointError).toBeNull();
    expect(state.checkpointSeq).toBe(1000);
    await state.close();
    const again = await DurableState.open(dir, counterSpec, { fsync, wal: wal(backend) });
    expect(again.state).toEqual(expectedCounter(1000));
    await again.close();
  });
});

describe.each(backends)('DurableState checkpoints by size (%s)', (backend) => {
  it('checkpointEvery.bytes: a checkpoint once that many log bytes were written since the last', async () => {
    const dir = join(root, `every-bytes-${backend}`);
    const state = await DurableState.open(dir, counterSpec, {
      fsync: 'always',
      checkpointEvery: { bytes: 2048 },
      wal: wal(backend),
    });
    // Small records, well under 2048 bytes in all at first: no checkpoint yet.
    for (let v = 0; v < 5; v++) await state.commit(add(v));
    expect(state.checkpointSeq).toBe(0);
    for (let v = 5; v < 400; v++) await state.commit(add(v));
    for (let i = 0; i < 500 && state.checkpointSeq === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(state.checkpointSeq).toBeGreaterThan(0);
    expect(state.checkpointError).toBeNull();
    await state.close();
    const again = await DurableState.open(dir, counterSpec, { fsync: 'always', wal: wal(backend) });
    expect(again.state).toEqual(expectedCounter(400));
    await again.close();
  });
});

describe('DurableState refuses', () => {
  it('bad arguments, with typed errors, before touching the directory', async () => {
    const dir = join(root, 'never');
    await expect(
      DurableState.open(dir, { ...counterSpec, apply: 1 } as never, { fsync: 'always' }),
    ).rejects.toMatchObject({
      code: 'ERR_CORELANE_INVALID_ARGUMENT',
    });
    await expect(DurableState.open(dir, counterSpec, { fsync: 'often' as never })).rejects.toMatchObject({
      code: 'ERR_CORELANE_OUT_OF_RANGE',
    });
    await expect(
      DurableState.open(dir, counterSpec, { fsync: 'always', checkpointEvery: { records: 0 } }),
    ).rejects.toBeInstanceOf(RangeError);
    expect(() => readdirSync(dir)).toThrow(/ENOENT/);
  });

  it('a log that does not continue its checkpoint (ERR_CORELANE_WAL_CORRUPT), and commits after close', async () => {
    const dir = join(root, 'gap');
    const state = await DurableState.open(dir, counterSpec, { fsync: 'always', wal: wal('threadpool') });
    await Promise.all(Array.from({ length: 50 }, (_, v) => state.commit(add(v))));
    await state.checkpoint();
    await state.close();
    expect(() => state.commit(add(0))).toThrow(expect.objectContaining({ code: 'ERR_CORELANE_CLOSED' }));
    rmSync(join(dir, 'wal'), { recursive: true }); // the log is gone: records 1..50 live only in the checkpoint
    await expect(
      DurableState.open(dir, counterSpec, { fsync: 'always', wal: wal('threadpool') }),
    ).rejects.toMatchObject({
      code: 'ERR_CORELANE_WAL_CORRUPT',
    });
  });

  it('takes a codec, and applies records as the codec decodes them, live as in recovery', async () => {
    const dir = join(root, 'codec');
    const codec = {
      encode: (r: Add) => Buffer.from(String(r.v)),
      decode: (b: Uint8Array) => ({ v: Number(Buffer.from(b).toString()) + 1000 }),
    };
    const state = await DurableState.open(dir, counterSpec, { fsync: 'always', codec });
    await state.commit({ v: 1 });
    expect(state.state.sum).toBe(1001);
    await state.close();
    const again = await DurableState.open(dir, counterSpec, { fsync: 'always', codec });
    expect(again.state.sum).toBe(1001);
    await again.close();
  });
});
