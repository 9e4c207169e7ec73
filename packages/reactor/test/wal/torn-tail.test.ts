// Torn tails and damage, on both backends: the newest segment cut at every byte offset of its
// last records, bits flipped, zeros and stale bytes appended. Recovery must cut the tail, replay
// only whole records, and let the sequence continue; damage before the tail is
// ERR_CORELANE_WAL_CORRUPT with the file and offset, or a cut there with onCorrupt: 'truncate'.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IoRing } from '@corelane/uring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Wal, WalCorruptError } from '../../src/wal/index.js';
import { backends, payload, readPayload, tempDir } from './helpers.js';

const root = tempDir();
const SEGMENT = 64 * 1024;
const GROUP = 4096;
const opts = { segmentSize: SEGMENT, maxGroupBytes: GROUP } as const;

/** Offsets of each record in a segment, read with the layout: [start, end of payload, end padded]. */
function recordOffsets(file: Buffer): { start: number; end: number; padded: number }[] {
  const out: { start: number; end: number; padded: number }[] = [];
  let off = 32;
  while (off + 16 <= file.length && file.readUInt32LE(off + 8) !== 0) {
    const end = off + 16 + file.readUInt32LE(off + 4);
    const padded = (end + 7) & ~7;
    out.push({ start: off, end, padded });
    off = padded;
  }
  return out;
}

function segmentFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.wal'))
    .sort()
    .map((n) => join(dir, n));
}

describe.each(backends)('recovery on %s', (backend) => {
  let ring: IoRing;
  beforeAll(() => {
    ring = new IoRing({ backend });
  });
  afterAll(() => ring.destroy());

  /** Opens `dir` and checks the log holds exactly `expected` records (counters 0..), continues with the next seq, and reopens clean. */
  async function expectRecovered(dir: string, expected: number, tornBytes: number): Promise<void> {
    const wal = await Wal.open(dir, { ...opts, ring });
    expect(wal.recovery).toMatchObject({ records: expected, lastSeq: expected, tornBytes, truncated: null });
    const counters: number[] = [];
    await wal.replay(({ seq, data }) => {
      const p = readPayload(data);
      expect(p, `record ${seq}`).not.toBeNull();
      counters.push(p?.counter ?? -1);
    });
    expect(counters).toEqual(Array.from({ length: expected }, (_, i) => i));
    expect(await wal.append(payload(9, expected))).toBe(expected + 1);
    await wal.close();
    const again = await Wal.open(dir, { ...opts, ring });
    expect(again.recovery).toMatchObject({ records: expected + 1, tornBytes: 0 });
    await again.close();
  }

  const N = 30;
  let pristine: Buffer;
  let records: { start: number; end: number; padded: number }[];
  const dir = join(root, `torn-${backend}`);
  let segment: string;

  beforeAll(async () => {
    const wal = await Wal.open(join(root, `pristine-${backend}`), { ...opts, ring });
    for (let i = 0; i < N; i++) await wal.append(payload(0, i));
    await wal.close();
    const [file] = segmentFiles(join(root, `pristine-${backend}`));
    pristine = readFileSync(file as string);
    records = recordOffsets(pristine);
    expect(records).toHaveLength(N);
    segment = join(dir, (file as string).split('/').pop() as string);
  });

  function install(bytes: Buffer): void {
    for (const f of readdirSync(dir, { withFileTypes: true })) if (f.isFile()) writeFileSync(join(dir, f.name), '');
    writeFileSync(segment, bytes);
  }

  it('cuts the log at every byte offset of its last 3 records, with zeros appended or not', async () => {
    await Wal.open(dir, { ...opts, ring }).then((w) => w.close());
    for (const f of segmentFiles(dir)) writeFileSync(f, '');
    const from = (records[N - 3] as { start: number }).start;
    const last = records[N - 1] as { padded: number };
    for (let cut = from; cut <= last.padded; cut++) {
      const whole = records.filter((r) => r.end <= cut);
      // Torn bytes run to the last non-zero one: written zeros cannot be told from preallocated ones.
      const end = whole.at(-1)?.padded ?? 32;
      let dataEnd = cut;
      while (dataEnd > end && pristine[dataEnd - 1] === 0) dataEnd--;
      const torn = Math.max(0, dataEnd - end);
      install(pristine.subarray(0, cut));
      await expectRecovered(dir, whole.length, torn);
      install(Buffer.concat([pristine.subarray(0, cut), Buffer.alloc(4096)]));
      await expectRecovered(dir, whole.length, torn);
    }
  });

  it('cuts at a flipped bit in any byte of the last 2 records (not in padding, which no CRC covers)', async () => {
    for (const k of [N - 2, N - 1]) {
      const r = records[k] as { start: number; end: number; padded: number };
      for (let at = r.start; at < r.padded; at++) {
        const bytes = Buffer.from(pristine);
        bytes[at] = (bytes[at] as number) ^ (1 << (at % 8));
        install(bytes);
        if (at >= r.end) {
          await expectRecovered(dir, N, 0);
        } else {
          const rest = (records[N - 1] as { padded: number }).padded - r.start;
          await expectRecovered(dir, k, rest);
        }
      }
    }
  });

  it('cuts stale bytes appended after the last record (an older record, then garbage)', async () => {
    const end = (records[N - 1] as { padded: number }).padded;
    const old = records[3] as { start: number; padded: number };
    const stale = Buffer.concat([pristine.subarray(old.start, old.padded), Buffer.from('stale bytes, never a record')]);
    const bytes = Buffer.from(pristine);
    stale.copy(bytes, end);
    install(bytes);
    await expectRecovered(dir, N, stale.length);
  });

  it('damage before the tail is ERR_CORELANE_WAL_CORRUPT with file and offset, or a cut with onCorrupt: truncate', async () => {
    const big = join(root, `corrupt-${backend}`);
    const wal = await Wal.open(big, { ...opts, ring });
    for (let i = 0; i < 200; i++) await wal.append(payload(0, i)); // ~26 KiB: far more than one group
    await wal.close();
    const [file] = segmentFiles(big) as [string];
    const bytes = readFileSync(file);
    const victim = recordOffsets(bytes)[10] as { start: number };
    bytes[victim.start + 20] = (bytes[victim.start + 20] as number) ^ 0x40;
    writeFileSync(file, bytes);
    const error = await Wal.open(big, { ...opts, ring }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WalCorruptError);
    expect(error).toMatchObject({ code: 'ERR_CORELANE_WAL_CORRUPT', file, offset: victim.start, reason: 'crc' });
    const cut = await Wal.open(big, { ...opts, ring, onCorrupt: 'truncate' });
    expect(cut.recovery).toMatchObject({
      records: 10,
      lastSeq: 10,
      truncated: { file, offset: victim.start, reason: 'crc' },
    });
    expect(await cut.append(payload(0, 10))).toBe(11);
    await cut.close();
    await expectRecovered(big, 11, 0);
  });

  it('a torn last group written with a larger maxGroupBytes stays a torn tail when reopened with a smaller one', async () => {
    const wide = join(root, `wide-${backend}`);
    const wal = await Wal.open(wide, { segmentSize: SEGMENT, maxGroupBytes: 32 * 1024, ring });
    for (let i = 0; i < 20; i++) await wal.append(payload(0, i));
    await Promise.all(Array.from({ length: 150 }, (_, i) => wal.append(payload(0, 20 + i)))); // one ~20 KiB group
    await wal.close();
    const [file] = segmentFiles(wide) as [string];
    const bytes = readFileSync(file);
    const first = recordOffsets(bytes)[20] as { start: number };
    bytes[first.start + 17] = (bytes[first.start + 17] as number) ^ 0x08; // the group's first record is torn
    writeFileSync(file, bytes);
    const reopened = await Wal.open(wide, { ...opts, ring }); // maxGroupBytes 4096 now
    expect(reopened.recovery).toMatchObject({ records: 20, truncated: null });
    expect(reopened.recovery.tornBytes).toBeGreaterThan(16 * 1024);
    await reopened.close();
  });

  it.each([
    ['interval', 'interval'],
    ['always then interval', 'always'],
  ] as const)("a page lost from unsynced groups under fsync: 'interval' is a torn tail (%s)", async (name, first) => {
    // Under 'interval' many groups are written between fdatasyncs, and a power loss keeps any
    // subset of their pages: a hole followed by good records is still a torn tail, not corruption.
    const lossy = join(root, `lossy-${name.replaceAll(' ', '-')}-${backend}`);
    const interval = { ...opts, ring, fsync: 'interval', intervalMs: 60_000 } as const;
    const w1 = await Wal.open(lossy, first === 'interval' ? interval : { ...opts, ring });
    await w1.append(payload(0, 0));
    await w1.close();
    const w2 = await Wal.open(lossy, interval);
    for (let i = 1; i < 200; i++) await w2.append(payload(0, i)); // one group each, none synced
    await w2.close();
    const [file] = segmentFiles(lossy) as [string];
    const bytes = readFileSync(file);
    const page = 4096 * 2; // records run to ~26 KiB: more than a group's reach follows the hole
    bytes.fill(0, page, page + 4096);
    writeFileSync(file, bytes);
    const kept = recordOffsets(bytes.subarray(0, page)).filter((r) => r.end <= page).length;
    const reopened = await Wal.open(lossy, { ...opts, ring });
    expect(reopened.recovery).toMatchObject({ records: kept, lastSeq: kept, truncated: null });
    expect(reopened.recovery.tornBytes).toBeGreaterThan(16 * 1024);
    await reopened.close();
  });

  it('replay checks again the framing of what open verified, and verifies in full what was appended since', async () => {
    const later = join(root, `later-${backend}`);
    const wal = await Wal.open(later, { ...opts, ring });
    for (let i = 0; i < 40; i++) await wal.append(payload(0, i));
    await wal.close();
    const reopened = await Wal.open(later, { ...opts, ring });
    for (let i = 40; i < 50; i++) await reopened.append(payload(0, i));
    const [file] = segmentFiles(later) as [string];
    const pristineBytes = readFileSync(file);
    const offsets = recordOffsets(pristineBytes);
    for (const [k, at, reason] of [
      [20, 9, 'sequence'], // verified at open: its sequence number changed
      [45, 30, 'crc'], // appended after open: a payload bit
    ] as const) {
      const r = offsets[k] as { start: number };
      const bytes = Buffer.from(pristineBytes);
      bytes[r.start + at] = (bytes[r.start + at] as number) ^ 0x10;
      writeFileSync(file, bytes);
      const handed: number[] = [];
      const error = await reopened.replay(({ seq }) => handed.push(seq)).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'ERR_CORELANE_WAL_CORRUPT', file, offset: r.start, reason });
      expect(handed).toEqual(Array.from({ length: k }, (_, i) => i + 1)); // nothing from the damaged record on
    }
    writeFileSync(file, pristineBytes);
    expect((await reopened.replay(() => {})).records).toBe(50);
    await reopened.close();
  });

  it('damage in a sealed segment is corrupt too; truncating there drops the segments after it', async () => {
    const many = join(root, `sealed-${backend}`);
    const wal = await Wal.open(many, { ...opts, ring });
    for (let i = 0; i < 1500; i++) await wal.append(payload(0, i));
    await wal.close();
    const files = segmentFiles(many);
    expect(files.length).toBeGreaterThanOrEqual(3);
    const first = files[0] as string;
    const bytes = readFileSync(first);
    const inFirst = recordOffsets(bytes);
    const victim = inFirst[inFirst.length - 5] as { start: number };
    bytes[victim.start + 9] = (bytes[victim.start + 9] as number) ^ 0x01; // the seq field
    writeFileSync(first, bytes);
    await expect(Wal.open(many, { ...opts, ring })).rejects.toMatchObject({
      code: 'ERR_CORELANE_WAL_CORRUPT',
      file: first,
      offset: victim.start,
      reason: 'sequence',
    });
    const cut = await Wal.open(many, { ...opts, ring, onCorrupt: 'truncate' });
    expect(cut.recovery.truncated).toMatchObject({ file: first, droppedSegments: files.length - 1 });
    expect(cut.segments).toBe(1);
    await cut.close();
    await expectRecovered(many, inFirst.length - 5, 0);
  });
});
