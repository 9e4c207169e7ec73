// Several workers, each with its own ring, write interleaved records into one file at the same
// time; every record is found intact afterwards, by the workers and by node:fs.
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runWorker } from '@corelane/shared/testing';
import { describe, expect, it } from 'vitest';
import { IoRing } from '../src/index.js';
import { backends, checksum, tempDir } from './helpers/files.js';

const dir = tempDir();
const WORKERS = 4;
const RECORDS = 64;
const SIZE = 1000; // not a multiple of 512: records straddle blocks

describe.each(backends)('%s: a ring per worker on one file', (backend) => {
  it('every worker writes and verifies its records; the file holds all of them', async () => {
    const path = join(dir, `${backend}-shared`);
    closeSync(openSync(path, 'w'));
    const reports = await Promise.all(
      Array.from({ length: WORKERS }, (_, index) =>
        runWorker<{ index: number; written: number; verified: number; backend: string }>(
          new URL('./workers/writer.mjs', import.meta.url),
          {
            path,
            index,
            workers: WORKERS,
            records: RECORDS,
            size: SIZE,
            backend,
          },
        ),
      ),
    );
    for (const report of reports) {
      expect(report).toEqual({ index: report.index, written: RECORDS * SIZE, verified: RECORDS, backend });
    }
    const file = readFileSync(path);
    expect(file.length).toBe(WORKERS * RECORDS * SIZE);
    for (let slot = 0; slot < WORKERS * RECORDS; slot++) {
      const rec = file.subarray(slot * SIZE, (slot + 1) * SIZE);
      expect(rec.readUInt32LE(0)).toBe(slot % WORKERS);
      expect(rec.readUInt32LE(4)).toBe(Math.floor(slot / WORKERS));
      expect(rec.readUInt32LE(8)).toBe(checksum(rec.subarray(12)));
    }
  });
});

describe.each(backends)('%s: a ring cannot reach another thread', (backend) => {
  // The only way to hand an object to another thread is a structured clone, which copies own
  // enumerable properties and none of a class's private state: what arrives is a plain object
  // that no IoRing method accepts. So a ring is only ever used by the thread that made it, and
  // needs no per-operation thread check.
  it('a worker that receives the ring gets a plain clone that no IoRing method accepts', async () => {
    const ring = new IoRing({ backend });
    const report = await runWorker<Record<string, unknown>>(new URL('./workers/foreign-ring.mjs', import.meta.url), {
      ring,
      backend,
      path: process.execPath,
    });
    expect(report).toMatchObject({ isIoRing: false, keys: [], readIsFunction: false, ownRead: 4 });
    expect(report.read).toMatch(/^TypeError: /);
    expect(report.close).toMatch(/^TypeError: /);
    expect(ring.closed).toBe(false); // the clone's failed close() did not reach this ring
    ring.close();
  });
});
