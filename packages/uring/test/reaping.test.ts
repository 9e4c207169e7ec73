// Reaping: completions made during a submit are settled at once and the eventfd they signalled
// is cleared (native/ring.cc, ClearWake), so no completion may be lost (a wake-up swallowed) or
// settled twice. Sequence numbers over many ops, submitted from plain code, from completion
// callbacks and from timers, with completions that arrive while the thread is idle.
import { readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IoRing, type IoRingOptions } from '../src/index.js';
import { backends, checksum, pattern, pipeFd, tempDir } from './helpers/files.js';

const dir = tempDir();

const variants: [string, IoRingOptions][] = [
  ['default', {}],
  ['deferTaskrun: false', { deferTaskrun: false }],
  ['quietLinks', { deferTaskrun: false, quietLinks: true }],
];

describe.each(backends)('%s: reaping', (backend) => {
  it.each(variants)('%s: 2000 ops, each settled once with its own result, none lost', async (name, options) => {
    const ring = new IoRing({ backend, entries: 64, ...options });
    try {
      const path = join(dir, `${backend}-${name.replace(/\W/g, '')}`);
      const fd = await ring.open(path, 'w+');
      const pipe = pipeFd(dir, `${backend}-${name.replace(/\W/g, '')}-pipe`);
      const settledBy = new Int32Array(2000);
      let at = 0;
      const offsets: number[] = [];
      const writeOne = (seq: number, batch?: ReturnType<IoRing['batch']>, link = false): Promise<void> => {
        const r = pattern(8 + (seq % 23), seq);
        r.writeUInt32LE(seq, 0);
        const offset = at;
        offsets[seq] = offset;
        at += r.length;
        const op = batch === undefined ? ring.write(fd, r, offset) : batch.write(fd, r, offset, { link });
        return op.then((n) => {
          expect(n).toBe(r.length);
          settledBy[seq] = (settledBy[seq] as number) + 1;
        });
      };
      const all: Promise<void>[] = [];
      let seq = 0;
      while (seq < 2000) {
        const kind = seq % 4;
        if (kind === 0) {
          all.push(writeOne(seq++)); // a single op, submitted at the end of the turn
        } else if (kind === 1) {
          // a chain submitted now; the next ones are submitted from its completion callback
          const batch = ring.batch();
          const done = [writeOne(seq++, batch, true), writeOne(seq++, batch, false)];
          batch.submit();
          all.push(...done);
          await done[0];
        } else {
          // a read that completes while the thread is idle: a timer writes the pipe
          const byte = Buffer.alloc(1);
          const read = ring.read(pipe, byte, -1);
          setTimeout(() => writeSync(pipe, Buffer.from([seq & 0xff])), 0);
          expect(await read).toBe(1);
          all.push(writeOne(seq++));
        }
      }
      await Promise.all(all);
      expect(Array.from(settledBy).every((n) => n === 1)).toBe(true);
      expect(ring.inFlight).toBe(0);
      const file = readFileSync(path);
      for (let s = 0; s < 2000; s++) {
        const expected = pattern(8 + (s % 23), s);
        expected.writeUInt32LE(s, 0);
        expect(checksum(file.subarray(offsets[s], (offsets[s] as number) + expected.length))).toBe(checksum(expected));
      }
      await ring.closeFile(fd);
    } finally {
      ring.close();
    }
  });
});
