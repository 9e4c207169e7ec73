// Replay without the 32-bit word walk (what a big-endian host runs: `FRAME_WORDS` false), and
// records kept past their callback: every record comes back intact and in order either way,
// and a kept record keeps its own seq (only its `data` is valid during the callback alone).
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { Wal } from '../../src/wal/index.js';
import { tempDir } from './helpers.js';

vi.mock('../../src/wal/frame.js', async (original) => ({
  ...(await original<typeof import('../../src/wal/frame.js')>()),
  FRAME_WORDS: false,
}));

const root = tempDir();

function record(i: number): Buffer {
  const out = Buffer.alloc((i * 977) % 3000);
  for (let j = 0; j < out.length; j += 61) out[j] = (i * 7 + j) & 0xff;
  if (out.length >= 4) out.writeUInt32LE(i, 0);
  return out;
}

describe('replay without the word walk', () => {
  it('hands every record over intact, across chunks and segments, verified at open or appended since', async () => {
    expect((await import('../../src/wal/frame.js')).FRAME_WORDS).toBe(false); // the mock holds
    const dir = join(root, 'portable');
    const options = { fsync: 'none', segmentSize: 2 * 1024 * 1024 } as const;
    const wal = await Wal.open(dir, options);
    await Promise.all(Array.from({ length: 2000 }, (_, i) => wal.append(record(i))));
    await wal.close();
    const again = await Wal.open(dir, options);
    await Promise.all(Array.from({ length: 500 }, (_, i) => again.append(record(2000 + i))));
    expect(again.segments).toBeGreaterThan(1);
    const kept: { seq: number }[] = [];
    let bad = 0;
    const result = await again.replay((r) => {
      if (!Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength).equals(record(r.seq - 1))) bad++;
      kept.push(r);
    });
    expect(bad).toBe(0);
    expect(result.records).toBe(2500);
    expect(kept.map((r) => r.seq)).toEqual(Array.from({ length: 2500 }, (_, i) => i + 1));
    await again.close();
  });
});
