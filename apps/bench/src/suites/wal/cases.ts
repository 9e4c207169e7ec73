// The wal cases of issue 11: appends with fsync 'always' against fio and fs.promises, a replay
// against reading the same files with fs, and the recovery of a durable state.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DurableState, Wal, type WalOptions } from '@corelane/reactor/wal';
import type { BenchCase, CaseContext } from '../../harness/suite.js';
import { unavailable } from '../../harness/suite.js';
import { fioUnavailable } from '../uring/fio.js';
import { fioSample, fsAppender, fsAppendSample, fsReadAll, fsSequentialRead } from './peers.js';
import { appendLoop, benchDir, record } from './workload.js';

type Peer = 'fio' | 'fs.promises';

const peerNames: Record<Peer, string> = {
  fio: 'fio --rw=write --fdatasync=1 (io_uring engine, child process)',
  'fs.promises': 'fs.promises write + datasync() per append',
};

function sampleMs(ctx: CaseContext): number {
  return ctx.quick ? 400 : 1500;
}

function appendCase(size: number, appenders: number, peer: Peer): BenchCase {
  const label = size >= 1024 ? `${size / 1024}k` : `${size}B`;
  return {
    name: `${label} appends x${appenders} always vs ${peer}`,
    metric: `${size} B appends, fsync 'always', ${appenders} in flight, /tmp`,
    unit: 'appends/s',
    higherIsBetter: true,
    ours: 'Wal.append() (group commit: one O_DIRECT RWF_DSYNC write of whole pages per group)',
    peer: peerNames[peer],
    budgetMs: { quick: 10_000, full: 40_000 },
    description:
      `${appenders} appenders each await one ${size}-byte append after another. Ours: one Wal with fsync 'always' ` +
      '(an append resolves once its group is durable; appends arriving while a group is in flight form the next, ' +
      'written as one io_uring write with RWF_DSYNC, durable when it completes, the `dsync` default, on an O_DIRECT ' +
      'descriptor: whole pages, the head of the page the log ends in, kept in memory, then the records, then zeros, ' +
      'the `directIo` default; zeros written ahead of the tail in the background, through the page cache). ' +
      (peer === 'fio'
        ? `fio: --rw=write --bs=${size} --fdatasync=1 --iodepth=${appenders}, an fdatasync after every write ` +
          '(its file is fallocated, and every sample after the first rewrites blocks an earlier one wrote).' +
          (size === 4096
            ? ` Each of our records is 16 bytes longer than its payload (its header), so a ${size}-byte append ` +
              "spans two pages where fio's write covers one, and each of our writes writes both."
            : '')
        : "fs.promises: each append writes at the end of a file, then awaits datasync(), on libuv's thread pool."),
    async setup(ctx) {
      if (peer === 'fio') {
        const missing = fioUnavailable();
        if (missing !== null) return unavailable(missing);
      }
      const ms = sampleMs(ctx);
      const ours = benchDir('ours');
      const theirs = benchDir('peer');
      const wal = await Wal.open(ours.dir, { fsync: 'always' });
      const bytes = record(size);
      const fs = peer === 'fs.promises' ? await fsAppender(theirs.dir) : null;
      return {
        ours: () => appendLoop(appenders, ms, () => wal.append(bytes)),
        peer: () =>
          fs === null
            ? fioSample(join(theirs.dir, 'fio.log'), size, appenders, ms)
            : fsAppendSample(fs.append, bytes, appenders, ms),
        teardown: async () => {
          await wal.close();
          await fs?.close();
          ours.remove();
          theirs.remove();
        },
      };
    },
  };
}

/** One log against the same log with other options: two directories, samples alternating. */
interface TwoLogs {
  /** What the case compares, after the appends' label (`zero-ahead vs off`). */
  versus: string;
  ours: { label: string; dir: string; options: WalOptions };
  peer: { label: string; dir: string; options: WalOptions };
  /** Why the two differ, after the common first sentence. */
  why: string;
}

function twoLogsCase(size: number, appenders: number, spec: TwoLogs): BenchCase {
  const label = size >= 1024 ? `${size / 1024}k` : `${size}B`;
  return {
    name: `${label} appends x${appenders} always: ${spec.versus}`,
    metric: `${size} B appends, fsync 'always', ${appenders} in flight, /tmp`,
    unit: 'appends/s',
    higherIsBetter: true,
    ours: spec.ours.label,
    peer: spec.peer.label,
    budgetMs: { quick: 10_000, full: 40_000 },
    description:
      `${appenders} appenders each await one ${size}-byte append after another, on two logs in two directories. ` +
      spec.why,
    async setup(ctx) {
      const ms = sampleMs(ctx);
      const ours = benchDir(spec.ours.dir);
      const theirs = benchDir(spec.peer.dir);
      const a = await Wal.open(ours.dir, { fsync: 'always', ...spec.ours.options });
      const b = await Wal.open(theirs.dir, { fsync: 'always', ...spec.peer.options });
      const bytes = record(size);
      return {
        ours: () => appendLoop(appenders, ms, () => a.append(bytes)),
        peer: () => appendLoop(appenders, ms, () => b.append(bytes)),
        teardown: async () => {
          await a.close();
          await b.close();
          ours.remove();
          theirs.remove();
        },
      };
    },
  };
}

/**
 * Zero-ahead against the same log without it: what writing zeros over the preallocated space
 * ahead of the tail saves each group's fdatasync (an extent conversion, a journal commit).
 */
function zeroAheadCase(size: number, appenders: number): BenchCase {
  return twoLogsCase(size, appenders, {
    versus: 'zero-ahead vs off',
    ours: { label: 'Wal.append() with zeroAheadBytes at its default (4 MiB)', dir: 'zero-ahead', options: {} },
    peer: {
      label: 'Wal.append() with zeroAheadBytes: 0 (appends write into fallocated, unwritten extents)',
      dir: 'no-zero-ahead',
      options: { zeroAheadBytes: 0 },
    },
    why:
      "Ours keeps the 4 MiB past the tail overwritten with zeros in the background; the peer's appends are the " +
      'first writes into the blocks fallocate reserved, so on ext4 and XFS each group whose write starts a new block ' +
      'converts an unwritten extent, and its fdatasync commits the journal.',
  });
}

/**
 * Direct group writes against the same log writing through the page cache: what an O_DIRECT
 * RWF_DSYNC write of whole pages saves over a buffered RWF_DSYNC write (an io-wq punt, a copy, a
 * write-back), on the same disk in the same run.
 */
function directCase(size: number, appenders: number): BenchCase {
  return twoLogsCase(size, appenders, {
    versus: 'direct vs page cache',
    ours: { label: 'Wal.append() with directIo at its default (true)', dir: 'direct', options: {} },
    peer: {
      label: 'Wal.append() with directIo: false (each group one buffered RWF_DSYNC write)',
      dir: 'page-cache',
      options: { directIo: false },
    },
    why:
      'Ours writes each group as one O_DIRECT write with RWF_DSYNC of whole pages (the head of the page the log ends ' +
      'in, kept in memory, the records, zeros to the page end), issued from the submitting thread; the peer writes ' +
      "the group's bytes through the page cache with RWF_DSYNC, which ext4 hands to an io-wq worker that copies them, " +
      'writes the pages back and waits. Both keep zeros written ahead of the tail.',
  });
}

/**
 * Two group commits in flight against one: whether submitting group N+1's write + fdatasync
 * while group N's fdatasync runs pays, on the same disk in the same run.
 */
function groupsInFlightCase(size: number, appenders: number): BenchCase {
  return twoLogsCase(size, appenders, {
    versus: '2 groups in flight vs 1',
    ours: {
      label: 'Wal.append() with maxGroupsInFlight: 2',
      dir: 'two-groups',
      options: { maxGroupsInFlight: 2 },
    },
    peer: {
      label: 'Wal.append() with maxGroupsInFlight: 1 (the default)',
      dir: 'one-group',
      options: { maxGroupsInFlight: 1 },
    },
    why:
      "Ours submits the next group's write (RWF_DSYNC) while the previous group's is being made durable (a group " +
      'of 128 records or more that finds nothing in flight is cut in two, so the appenders spread over two groups); the peer keeps one ' +
      'group in flight at a time.',
  });
}

/**
 * The segment files of a log and the bytes of each that hold its header and records: the file
 * up to its last non-zero byte, rounded up to a record boundary (8). Past it lie the zeros of
 * preallocation, which a replay never reads: the newest segment is mostly those.
 */
function logFiles(wal: Wal): { path: string; bytes: number }[] {
  return readdirSync(wal.dir)
    .filter((n) => n.endsWith('.wal'))
    .sort()
    .map((n) => {
      const path = join(wal.dir, n);
      return { path, bytes: Math.ceil(lastNonZero(readFileSync(path)) / 8) * 8 };
    });
}

/** One past the last non-zero byte of `bytes` (0 when all are zero). */
function lastNonZero(bytes: Buffer): number {
  const block = 64 * 1024;
  const zeros = Buffer.alloc(block);
  let end = bytes.length;
  while (end >= block && bytes.compare(zeros, 0, block, end - block, end) === 0) end -= block;
  while (end > 0 && bytes[end - 1] === 0) end--;
  return end;
}

const replayCase: BenchCase = {
  name: 'replay 128B records vs fs sequential read',
  metric: 'replay of a log of 128 B records (1 GiB; 64 MiB with --quick)',
  unit: 'B/s',
  higherIsBetter: true,
  ours: 'Wal.replay() (length and sequence of every record checked; CRC32C verified at open)',
  peer: 'fs.promises reading the same bytes of the segment files, 1 MiB at a time',
  budgetMs: { quick: 20_000, full: 120_000 },
  description:
    "A log of 128-byte records (144 bytes each on disk) in 64 MiB segments, written beforehand with fsync 'none' " +
    'and in the page cache for both sides. Ours replays it all (reads each segment through the ring, checks the ' +
    'framing of every record and hands it over; the callback counts them and never reads a payload); the peer reads ' +
    "the same bytes of the same segment files sequentially with fs.promises: each file's header and records, not the " +
    'preallocated zeros after the last record (with --quick the second segment holds 3 MiB of records in a 64 MiB ' +
    'file). Bytes/s of headers and records; records/s = bytes/s / 144 for ours. Wal.open(), which verifies every ' +
    'CRC32C, is not counted.',
  async setup(ctx) {
    const target = ctx.quick ? 64 * 1024 * 1024 : 1024 * 1024 * 1024;
    const { dir, remove } = benchDir('replay');
    const writer = await Wal.open(dir, { fsync: 'none' });
    const bytes = record(128);
    const perGroup = 4096;
    for (let written = 0; written < target; written += perGroup * 144) {
      await Promise.all(Array.from({ length: perGroup }, () => writer.append(bytes)));
    }
    await writer.close();
    const wal = await Wal.open(dir, { fsync: 'none' });
    const files = logFiles(wal);
    const total = files.reduce((n, f) => n + f.bytes, 0);
    return {
      ours: async () => {
        const start = performance.now();
        let records = 0;
        await wal.replay(() => {
          records++;
        });
        if (records !== wal.lastSeq) throw new Error(`replayed ${records} of ${wal.lastSeq} records`);
        return total / ((performance.now() - start) / 1000);
      },
      peer: () => fsSequentialRead(files),
      teardown: async () => {
        await wal.close();
        remove();
      },
    };
  },
};

interface Put {
  k: number;
  v: number;
}

const recoveryCase: BenchCase = {
  name: 'recovery: checkpoint + log tail vs fs readFile',
  metric: 'DurableState.open(): restore a checkpoint of 100 k keys, apply a 100 k-record tail (25 k with --quick)',
  unit: 'ms',
  higherIsBetter: false,
  ours: 'DurableState.open() (restore + replay + apply), then close()',
  peer: 'fs.promises.readFile of the same checkpoint and segment files',
  budgetMs: { quick: 30_000, full: 120_000 },
  description:
    'The recovery of a core: the state is a Map of 100,000 keys checkpointed as JSON, followed by a log tail of ' +
    'MessagePack records (one put each). Ours opens the DurableState (reads and verifies the newest checkpoint, ' +
    'restores it, verifies and applies every record after it); the peer only reads the same files. The seed ' +
    'targets a recovery under 10 s.',
  async setup(ctx) {
    const tail = ctx.quick ? 25_000 : 100_000;
    const keys = 100_000;
    const { dir, remove } = benchDir('recovery');
    const spec = {
      init: () => new Map<number, number>(),
      apply: (state: Map<number, number>, r: Put) => {
        state.set(r.k, r.v);
      },
      snapshot: (state: Map<number, number>) => Buffer.from(JSON.stringify([...state])),
      restore: (b: Uint8Array) => new Map<number, number>(JSON.parse(Buffer.from(b).toString())),
    };
    const state = await DurableState.open<Map<number, number>, Put>(dir, spec, { fsync: 'none' });
    for (let k = 0; k < keys; k += 5000)
      await Promise.all(Array.from({ length: 5000 }, (_, i) => state.commit({ k: k + i, v: k })));
    await state.checkpoint();
    for (let i = 0; i < tail; i += 5000)
      await Promise.all(Array.from({ length: 5000 }, (_, j) => state.commit({ k: (i + j) % keys, v: i + j })));
    await state.close();
    const files = [
      ...readdirSync(dir)
        .filter((n) => n.endsWith('.ckpt'))
        .map((n) => join(dir, n)),
      ...readdirSync(join(dir, 'wal'))
        .filter((n) => n.endsWith('.wal'))
        .map((n) => join(dir, 'wal', n)),
    ];
    return {
      ours: async () => {
        const start = performance.now();
        const opened = await DurableState.open<Map<number, number>, Put>(dir, spec, { fsync: 'none' });
        const ms = performance.now() - start;
        if (opened.state.size !== keys) throw new Error(`recovered ${opened.state.size} keys, not ${keys}`);
        await opened.close();
        return ms;
      },
      peer: () => fsReadAll(files),
      teardown: remove,
    };
  },
};

/** Every case of the suite, in the order they run. */
export const walCases: BenchCase[] = [
  appendCase(128, 1, 'fio'),
  appendCase(128, 1, 'fs.promises'),
  appendCase(128, 16, 'fio'),
  appendCase(128, 16, 'fs.promises'),
  appendCase(128, 256, 'fio'),
  appendCase(128, 256, 'fs.promises'),
  groupsInFlightCase(128, 256),
  groupsInFlightCase(128, 16),
  appendCase(4096, 1, 'fio'),
  appendCase(4096, 1, 'fs.promises'),
  zeroAheadCase(4096, 1),
  directCase(4096, 1),
  zeroAheadCase(128, 256),
  replayCase,
  recoveryCase,
];
