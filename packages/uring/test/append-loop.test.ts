// A WAL's append loop, one in flight: a write linked to an fdatasync, the next append only once
// both settled. With DEFER_TASKRUN (the default) each completion an io-wq worker produces comes
// back as task work this thread runs; without it the worker posts the CQE itself. Both setups,
// and the thread pool, must settle every op once, the sync after its write, with the data on
// file, and a close() right after a submit must settle the ops it cut short.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IoRing, type IoRingOptions } from '../src/index.js';
import { checksum, pattern, tempDir } from './helpers/files.js';

const dir = tempDir();
const setups: [string, IoRingOptions][] = [
  ['io_uring, DEFER_TASKRUN', { backend: 'io_uring' }],
  ['io_uring, no DEFER_TASKRUN', { backend: 'io_uring', deferTaskrun: false }],
  ['threadpool', { backend: 'threadpool' }],
];
const APPENDS = 200;
const RECORD = 128;

describe.each(setups)('%s: a write + fdatasync append loop', (name, options) => {
  const file = name.replace(/[^a-z]+/gi, '-');

  it('settles every write and sync once, each sync after its write, in sequence', async () => {
    const ring = new IoRing({ ...options, entries: 8 });
    const path = join(dir, `${file}-loop`);
    const fd = await ring.open(path, 'w+');
    const events: string[] = [];
    const records = Array.from({ length: APPENDS }, (_, seq) => pattern(RECORD, seq + 1));
    for (const [seq, record] of records.entries()) {
      const batch = ring.batch();
      const written = batch.write(fd, record, seq * RECORD, { link: true }).then((n) => events.push(`w${seq}:${n}`));
      const synced = batch.fsync(fd, { dataOnly: true }).then(() => events.push(`s${seq}`));
      expect(batch.submit()).toBe(2);
      await Promise.all([written, synced]);
      expect(ring.inFlight).toBe(0);
    }
    expect(events).toEqual(records.flatMap((r, seq) => [`w${seq}:${r.length}`, `s${seq}`]));
    await ring.closeFile(fd);
    ring.close();
    expect(checksum(readFileSync(path))).toBe(checksum(Buffer.concat(records)));
  });

  it('close() right after a submit settles each op of the last append once', async () => {
    const ring = new IoRing({ ...options, entries: 8 });
    const path = join(dir, `${file}-close`);
    const fd = await ring.open(path, 'w+');
    for (let seq = 0; seq < 20; seq++) {
      const batch = ring.batch();
      const done = Promise.all([
        batch.write(fd, pattern(RECORD, seq + 1), seq * RECORD, { link: true }),
        batch.fsync(fd, { dataOnly: true }),
      ]);
      batch.submit();
      await done;
    }
    const settled: string[] = [];
    const batch = ring.batch();
    const last = [
      batch.write(fd, pattern(RECORD, 21), 20 * RECORD, { link: true }),
      batch.fsync(fd, { dataOnly: true }),
    ].map((p, i) =>
      p.then(
        () => settled.push(`${i}:ok`),
        (e: NodeJS.ErrnoException) => settled.push(`${i}:${e.code}`),
      ),
    );
    batch.submit(); // what completed during the submit was settled in it
    ring.close(); // the rest: its result if the kernel finished it, else cancelled
    await Promise.all(last);
    expect(settled).toHaveLength(2);
    expect(settled.map((s) => s.slice(0, 2)).sort()).toEqual(['0:', '1:']);
    for (const s of settled) expect(s).toMatch(/^[01]:(ok|ERR_CORELANE_CANCELLED|ECANCELED)$/);
    // The write settled first; a sync that ran means its write ran and succeeded.
    if (settled.includes('1:ok')) expect(settled).toContain('0:ok');
    expect(ring.inFlight).toBe(0);
    expect(readFileSync(path).subarray(0, 20 * RECORD)).toEqual(
      Buffer.concat(Array.from({ length: 20 }, (_, seq) => pattern(RECORD, seq + 1))),
    );
  });
});
