// Zero-ahead's own descriptor is never leaked and never writes into a sealed segment,
// whatever the timing of its (async) open against close() and rolls.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { IoRing } from '@corelane/uring';
import { describe, expect, it } from 'vitest';
import { Wal } from '../../src/wal/index.js';
import { backends, payload, tempDir } from './helpers.js';

const root = tempDir();
const fds = (): number => readdirSync('/proc/self/fd').length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A ring whose O_WRONLY opens (zero-ahead's) are slowed or failed; records which fd each open gave. */
function rigged(backend: (typeof backends)[number], mode: 'slow' | 'fail') {
  const ring = new IoRing({ backend });
  const open = ring.open.bind(ring);
  const paths = new Map<number, string>();
  const zeroWritesTo: string[] = [];
  let wronly = 0;
  ring.open = async (path, flags, ...rest) => {
    if (flags === 1 /* O_WRONLY */) {
      wronly++;
      // Every other open is slow (a roll overtakes it), the others fast (their chunks run).
      if (mode === 'fail' || wronly % 2 === 1) await sleep(30);
      if (mode === 'fail') throw Object.assign(new Error('EMFILE'), { code: 'EMFILE' });
    }
    const fd = await open(path, flags, ...rest);
    if (flags === 1) paths.set(fd, String(path));
    return fd;
  };
  // The newest segment: each is created under a temporary name and renamed into place.
  let newest = '';
  const stale: string[] = [];
  const rename = ring.rename.bind(ring);
  ring.rename = async (from, to) => {
    await rename(from, to);
    newest = String(to);
  };
  const closeFile = ring.closeFile.bind(ring);
  ring.closeFile = (fd) => {
    paths.delete(fd);
    return closeFile(fd);
  };
  const batch = ring.batch.bind(ring);
  ring.batch = () => {
    const b = batch();
    const bwrite = b.write.bind(b);
    b.write = (fd, bytes, position, ...rest) => {
      const p = paths.get(fd);
      if (p !== undefined) zeroWritesTo.push(p);
      if (p !== undefined && p !== newest) stale.push(`zeros to ${p} while ${newest} is newest`);
      return bwrite(fd, bytes, position, ...rest);
    };
    return b;
  };
  const write = ring.write.bind(ring);
  ring.write = (fd, bytes, position, ...rest) => {
    const p = paths.get(fd);
    if (p !== undefined) zeroWritesTo.push(p);
    return write(fd, bytes, position, ...rest);
  };
  return { ring, zeroWritesTo, stale, opens: () => wronly };
}

describe.each(backends)('the zero-ahead descriptor on %s', (backend) => {
  it.each(['slow', 'fail'] as const)('close() right after open (open %s): no descriptor left', async (mode) => {
    const { ring } = rigged(backend, mode);
    const before = fds();
    const wal = await Wal.open(join(root, `c-${backend}-${mode}`), {
      ring,
      segmentSize: 1024 * 1024,
      zeroAheadBytes: 256 * 1024,
    });
    await wal.close();
    await sleep(60);
    expect(fds()).toBe(before);
    ring.close();
  });

  it.each(['slow', 'fail'] as const)(
    'rolls while the open is in flight (open %s): no leak, all replays',
    async (mode) => {
      const { ring, opens, zeroWritesTo, stale } = rigged(backend, mode);
      const dir = join(root, `r-${backend}-${mode}`);
      const before = fds();
      const segmentSize = 256 * 1024;
      const wal = await Wal.open(dir, { ring, segmentSize, maxGroupBytes: 64 * 1024, zeroAheadBytes: 128 * 1024 });
      const expected: Buffer[] = [];
      for (let round = 0; round < 30; round++) {
        const batch: Promise<number>[] = [];
        for (let i = 0; i < 3; i++) {
          const data = Buffer.concat([payload(round, i), Buffer.alloc(40_000, round + 1)]);
          expected.push(data);
          batch.push(wal.append(data));
        }
        await Promise.all(batch);
      }
      expect(wal.segments).toBeGreaterThan(3);
      await wal.close();
      await sleep(60);
      expect(fds()).toBe(before);
      expect(opens()).toBeGreaterThan(3);
      // Chunks went only through zero-ahead's own descriptors when the opens succeeded, none otherwise.
      expect(stale).toEqual([]);
      if (mode === 'slow') expect(zeroWritesTo.length).toBeGreaterThan(0);
      else expect(zeroWritesTo).toEqual([]);
      const again = await Wal.open(dir, { backend, segmentSize });
      let seq = 0;
      await again.replay((record) => {
        expect(Buffer.from(record.data).equals(expected[seq++] as Buffer)).toBe(true);
      });
      expect(seq).toBe(expected.length);
      await again.close();
      ring.close();
    },
  );
});
