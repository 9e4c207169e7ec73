// Checkpoint files: `<dir>/<seq, 20 digits>.ckpt`, where `seq` is the last record the snapshot
// includes. Little-endian, like the WAL:
//
//   byte 0        4         6          8                 16                 24            28          32
//        ┌────────┬─────────┬──────────┬─────────────────┬──────────────────┬─────────────┬───────────┬──────────┐
//        │ magic  │ version │ hdrBytes │ seq (u64)       │ length (u64)     │ crc32c of   │ crc32c of │ snapshot │
//        │ "CLCK" │ u16 = 1 │ u16 = 32 │ last applied    │ of the snapshot  │ the snapshot│ bytes 0..28│ bytes…  │
//        └────────┴─────────┴──────────┴─────────────────┴──────────────────┴─────────────┴───────────┴──────────┘
//
// Written as `<name>.tmp`, fsync'ed, renamed, the directory fsync'ed: a `.ckpt` name only ever
// names a complete file; a file that fails its checks anyway is skipped (an older one is used).
import { constants } from 'node:fs';
import { readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { IoRing } from '@corelane/uring';
import { crcOf } from '../wal/crc.js';
import { syncDir, writeFully } from '../wal/io.js';
import { readU64, writeU64 } from '../wal/layout.js';

/** "CLCK", first character in the low byte. */
export const CHECKPOINT_MAGIC = 0x4b434c43;
export const CHECKPOINT_VERSION = 1;

export const CheckpointHeader = {
  MAGIC: 0,
  VERSION: 4,
  HEADER_BYTES: 6,
  SEQ: 8,
  LENGTH: 16,
  PAYLOAD_CRC: 24,
  CRC: 28,
  SIZE: 32,
} as const;

/** The steps of writing a checkpoint, in order; a crash after any of them recovers consistently. */
export const CheckpointSteps = [
  'snapshot',
  'wal-synced',
  'temp-created',
  'temp-half-written',
  'temp-written',
  'temp-synced',
  'renamed',
  'dir-synced',
  'old-removed',
  'wal-truncated',
] as const;

export type CheckpointStep = (typeof CheckpointSteps)[number];

const CHECKPOINT_FILE = /^(\d{20})\.ckpt$/;

function checkpointName(seq: number): string {
  return `${String(seq).padStart(20, '0')}.ckpt`;
}

/** Header + snapshot, ready to write. */
export function encodeCheckpoint(seq: number, snapshot: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(CheckpointHeader.SIZE + snapshot.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(CheckpointHeader.MAGIC, CHECKPOINT_MAGIC, true);
  view.setUint16(CheckpointHeader.VERSION, CHECKPOINT_VERSION, true);
  view.setUint16(CheckpointHeader.HEADER_BYTES, CheckpointHeader.SIZE, true);
  writeU64(view, CheckpointHeader.SEQ, seq);
  writeU64(view, CheckpointHeader.LENGTH, snapshot.length);
  bytes.set(snapshot, CheckpointHeader.SIZE);
  view.setUint32(CheckpointHeader.PAYLOAD_CRC, crcOf(bytes, CheckpointHeader.SIZE, bytes.length), true);
  view.setUint32(CheckpointHeader.CRC, crcOf(bytes, 0, CheckpointHeader.CRC), true);
  return bytes;
}

/** The seq and snapshot of a checkpoint file's bytes, or null when they are not a whole checkpoint. */
export function decodeCheckpoint(bytes: Uint8Array): { seq: number; snapshot: Uint8Array } | null {
  if (bytes.length < CheckpointHeader.SIZE) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  if (view.getUint32(CheckpointHeader.MAGIC, true) !== CHECKPOINT_MAGIC) return null;
  if (view.getUint32(CheckpointHeader.CRC, true) !== crcOf(bytes, 0, CheckpointHeader.CRC)) return null;
  if (view.getUint16(CheckpointHeader.VERSION, true) !== CHECKPOINT_VERSION) return null;
  const length = readU64(view, CheckpointHeader.LENGTH);
  if (bytes.length !== CheckpointHeader.SIZE + length) return null;
  if (view.getUint32(CheckpointHeader.PAYLOAD_CRC, true) !== crcOf(bytes, CheckpointHeader.SIZE, bytes.length)) {
    return null;
  }
  return { seq: readU64(view, CheckpointHeader.SEQ), snapshot: bytes.subarray(CheckpointHeader.SIZE) };
}

/** The checkpoint files in `dir`, newest first, after removing leftovers of interrupted writes. */
export async function listCheckpoints(dir: string): Promise<{ path: string; seq: number }[]> {
  const out: { path: string; seq: number }[] = [];
  for (const name of await readdir(dir)) {
    if (name.endsWith('.ckpt.tmp')) {
      await unlink(join(dir, name));
      continue;
    }
    const match = CHECKPOINT_FILE.exec(name);
    if (match !== null) out.push({ path: join(dir, name), seq: Number(match[1]) });
  }
  return out.sort((a, b) => b.seq - a.seq);
}

/** The newest checkpoint that is whole, or null; files that fail their checks are skipped. */
export async function newestCheckpoint(
  dir: string,
): Promise<{ seq: number; snapshot: Uint8Array; path: string } | null> {
  for (const { path, seq } of await listCheckpoints(dir)) {
    const decoded = decodeCheckpoint(await readFile(path));
    if (decoded !== null && decoded.seq === seq) return { ...decoded, path };
  }
  return null;
}

/**
 * Writes the checkpoint of `seq` durably: temporary file, fsync, rename, directory fsync, then
 * removes the older checkpoints. `step` is called after each step (a test hook).
 */
export async function writeCheckpoint(
  ring: IoRing,
  dir: string,
  seq: number,
  snapshot: Uint8Array,
  step: (name: CheckpointStep) => void,
): Promise<void> {
  const path = join(dir, checkpointName(seq));
  const temp = `${path}.tmp`;
  const bytes = encodeCheckpoint(seq, snapshot);
  const fd = await ring.open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o644);
  try {
    step('temp-created');
    // In two writes, so that a crash between them (a torn file) is a step the tests can reach.
    const half = bytes.length >>> 1;
    await writeFully(ring, fd, bytes.subarray(0, half), 0);
    step('temp-half-written');
    await writeFully(ring, fd, bytes.subarray(half), half);
    step('temp-written');
    await ring.fsync(fd);
    step('temp-synced');
  } finally {
    await ring.closeFile(fd);
  }
  await ring.rename(temp, path);
  step('renamed');
  await syncDir(ring, dir);
  step('dir-synced');
  const older = (await listCheckpoints(dir)).filter((c) => c.seq < seq);
  for (const c of older) await ring.unlink(c.path);
  if (older.length > 0) await syncDir(ring, dir);
  step('old-removed');
}
