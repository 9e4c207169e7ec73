// The uring cases: every workload measured against the peers the issue names, in one run.
import { capabilities, IoRing } from '@corelane/uring';
import type { BenchCase, CaseContext } from '../../harness/suite.js';
import { unavailable } from '../../harness/suite.js';
import { fioSample as fioSyncedAppends } from '../wal/peers.js';
import { uvUringSample } from './child.js';
import { CpuShare } from './cpu-share.js';
import { fioRandomReads, fioSyncedWrites, fioUnavailable } from './fio.js';
import { fsRandomReads, fsSyncedWrites } from './fs-promises.js';
import { cAppendLoop, cLinkedAppends } from './native-loop.js';
import { ringLinkedAppends, ringRandomReads, ringSyncedWrites } from './ours.js';
import { FILE_SIZE, type Medium, mediumDirs, readFixture, writeTarget } from './workload.js';

/** fdatasync after this many 64 KiB writes. */
const SYNC_EVERY = 4;

type Peer = 'fs.promises' | 'uv-io_uring' | 'fio';

const peerNames: Record<Peer, string> = {
  'fs.promises': 'fs.promises (libuv thread pool)',
  'uv-io_uring': 'fs.promises, UV_USE_IO_URING=1 (child process)',
  fio: 'fio --ioengine=io_uring (child process)',
};

/** Sample length in ms: long enough for a few hundred reads on the slow disk. */
function sampleMs(ctx: CaseContext, medium: Medium): number {
  if (ctx.quick) return medium === 'disk' ? 300 : 150;
  return medium === 'disk' ? 1500 : 700;
}

/**
 * The ring's `submitEvery` for random reads: on disk 1, each read handed to the kernel as soon as
 * it is made, as fio submits (its default iodepth_batch_submit=1); on /dev/shm the default (8).
 * A disk read waits on the device, so what sets the rate at a depth is how soon a completed read
 * is replaced; a tmpfs read is CPU work, so fewer system calls win. Measured here, qd32 on disk,
 * interleaved with fio, 4 rounds each: ours/fio 0.90-0.92 with 8, 0.92-0.99 with 1 (at 0.58 of a
 * CPU instead of 0.40; fio 0.47).
 */
const READ_SUBMIT_EVERY: Record<Medium, number | undefined> = { disk: 1, shm: undefined };

/** A ring on io_uring, or the reason the case cannot measure io_uring (or run `peer`) here. */
function ioUringRing(peer: Peer, submitEvery?: number): IoRing | string {
  const caps = capabilities();
  if (caps.backend !== 'io_uring') {
    return `io_uring is not available here (${caps.reason}); this case measures io_uring, not the thread-pool fallback`;
  }
  const missingFio = peer === 'fio' ? fioUnavailable() : null;
  if (missingFio !== null) return missingFio;
  return new IoRing({ backend: 'io_uring', entries: 256, ...(submitEvery === undefined ? {} : { submitEvery }) });
}

function randomReadCase(medium: Medium, depth: number, peer: Peer): BenchCase {
  const where = medium === 'disk' ? '/tmp, O_DIRECT' : '/dev/shm';
  /** Against fio only: both sides' CPU share, in the description (fio reports its own). */
  const cpu = peer === 'fio' ? new CpuShare() : null;
  const description =
    `${depth} reads of 4 KiB kept in flight at random 4 KiB-aligned offsets of a 64 MiB file in ${where} ` +
    '(every block once per pass, in a seeded random order, as fio reads with its random map), into page-aligned ' +
    'SharedArrayBuffer views; the same offsets, buffers and loop (one promise per read) for ours and fs.promises. ' +
    `The peer is ${peerNames[peer]}. ` +
    (medium === 'disk'
      ? 'Our ring submits each read as soon as it is made (submitEvery: 1), as fio does by default ' +
        '(iodepth_batch_submit=1): a disk read waits on the device, and a replacement that waits for a batch ' +
        'leaves its slot idle.'
      : 'Our ring submits reads in batches of up to 8 (submitEvery, its default), or at the end of the turn.') +
    (medium === 'shm' && peer === 'fio'
      ? " On tmpfs the kernel runs these buffered reads in an io-wq worker, for both sides (fio's worker " +
        'thread used as much CPU as fio itself).'
      : '');
  return {
    name: `4k random reads qd${depth} ${medium} vs ${peer}`,
    metric: `4 KiB random reads, depth ${depth}, ${where}`,
    unit: 'reads/s',
    higherIsBetter: true,
    ours: 'IoRing.read() (a promise per read)',
    peer: peerNames[peer],
    budgetMs: peer === 'fs.promises' ? { quick: 6_000, full: 40_000 } : { quick: 9_000, full: 50_000 },
    /** The fixed text, then (against fio) both sides' CPU share in this run. */
    get description() {
      return description + (cpu?.describe('fio') ?? '');
    },
    setup(ctx) {
      const ring = ioUringRing(peer, READ_SUBMIT_EVERY[medium]);
      if (typeof ring === 'string') return unavailable(ring);
      const path = readFixture(medium);
      const ms = sampleMs(ctx, medium);
      const peers: Record<Peer, () => Promise<number>> = {
        'fs.promises': () => fsRandomReads(path, medium, depth, ms),
        'uv-io_uring': () => uvUringSample({ kind: 'randread', path, medium, depth, ms }),
        fio: () => fioRandomReads(path, medium === 'disk', depth, FILE_SIZE, ms, (share) => cpu?.peer(share)),
      };
      const sample = (): Promise<number> => ringRandomReads(ring, path, medium, depth, ms);
      return {
        ours: cpu === null ? sample : () => cpu.ours(sample),
        peer: peers[peer],
        teardown: () => ring.close(),
      };
    },
  };
}

function syncedWriteCase(peer: Peer): BenchCase {
  return {
    name: `64k writes + fdatasync/${SYNC_EVERY} vs ${peer}`,
    metric: `64 KiB sequential writes, fdatasync every ${SYNC_EVERY}, /tmp`,
    unit: 'B/s',
    higherIsBetter: true,
    ours: 'IoRing batch (writes + draining fdatasync)',
    peer: peerNames[peer],
    budgetMs: { quick: 9_000, full: 50_000 },
    description:
      `Writes 64 KiB records sequentially over a 64 MiB file in /tmp laid out in advance (as fio lays out its file; ` +
      'no side truncates, so none pays for block allocation), ' +
      `${SYNC_EVERY} at a time, from SharedArrayBuffer memory, each group made durable by an ` +
      'fdatasync before the next starts. Ours: one batch and one submit per group, the writes in parallel and the fdatasync ' +
      'marked drain (it starts once they completed); ' +
      `fs.promises: ${SYNC_EVERY} writes in parallel, then datasync(); fio: --iodepth=${SYNC_EVERY} --fdatasync=${SYNC_EVERY}. ` +
      'fio keeps a weaker contract: it queues its fdatasync after every N writes *issued* (fio HOWTO), without ' +
      'waiting for them to complete and without pausing later writes while the sync runs, so its syncs overlap ' +
      'its writes; ours and fs.promises make each group durable before the next one starts (group commit).',
    setup(ctx) {
      const ring = ioUringRing(peer);
      if (typeof ring === 'string') return unavailable(ring);
      const path = writeTarget('disk');
      const ms = sampleMs(ctx, 'disk');
      const peers: Record<Peer, () => Promise<number>> = {
        'fs.promises': () => fsSyncedWrites(path, SYNC_EVERY, ms),
        'uv-io_uring': () => uvUringSample({ kind: 'seqwrite', path, syncEvery: SYNC_EVERY, ms }),
        fio: () => fioSyncedWrites(path, SYNC_EVERY, FILE_SIZE, ms),
      };
      return {
        ours: () => ringSyncedWrites(ring, path, SYNC_EVERY, ms),
        peer: peers[peer],
        teardown: () => ring.close(),
      };
    },
  };
}

/**
 * DEFER_TASKRUN (the default) against a ring without it, on a WAL's append with one in flight.
 * With it, every completion an io-wq worker produces (a buffered write, an fdatasync) reaches
 * the CQ only as task work this thread runs with an io_uring_enter of its own, and the worker's
 * request free is a second task work item that wakes it again; without it the worker posts the
 * CQE itself. Measured with strace -c -f on such a loop: 4.0 io_uring_enter per append with
 * it, 1.0 without.
 */
function deferTaskrunCase(medium: Medium): BenchCase {
  const bytes = 128;
  const where = mediumDirs[medium];
  return {
    name: `${bytes}B write+fdatasync x1 ${medium}: deferTaskrun off vs on`,
    metric: `${bytes} B write linked to an fdatasync, 1 in flight, ${where}`,
    unit: 'appends/s',
    higherIsBetter: true,
    ours: 'IoRing({ deferTaskrun: false })',
    peer: 'IoRing() (DEFER_TASKRUN, the default)',
    budgetMs: { quick: 6_000, full: 40_000 },
    description:
      `Each append writes ${bytes} B at the next offset of a 64 MiB file in ${where} laid out in advance, linked to an ` +
      'fdatasync (one batch, one submit), and the next starts once both completed: the pattern of a WAL with one ' +
      'append in flight. The same loop on two io_uring rings of this thread, one set up without ' +
      'IORING_SETUP_DEFER_TASKRUN, one with it (the default). On /dev/shm the fdatasync costs next to nothing, so the ' +
      'case measures what each append costs this thread.',
    setup(ctx) {
      const caps = capabilities();
      if (caps.backend !== 'io_uring') return unavailable(`io_uring is not available here (${caps.reason})`);
      const off = new IoRing({ backend: 'io_uring', entries: 256, deferTaskrun: false });
      const on = new IoRing({ backend: 'io_uring', entries: 256 });
      const path = writeTarget(medium);
      const ms = sampleMs(ctx, medium);
      return {
        ours: () => ringLinkedAppends(off, path, bytes, ms),
        peer: () => ringLinkedAppends(on, path, bytes, ms),
        teardown: () => {
          off.close();
          on.close();
        },
      };
    },
  };
}

/**
 * A WAL's append with one in flight (write + fdatasync linked in one batch) against fio doing
 * the same pattern, against a C loop over liburing doing exactly our chain (what JS, libuv and
 * N-API cost on top of the kernel's work), and quietLinks against the same ring without it.
 * With quietLinks the write posts no completion when it succeeds, so one wake-up (the
 * fdatasync's) serves each append.
 */
function linkedAppendCase(medium: Medium, peer: 'fio' | 'c' | 'loud'): BenchCase {
  const bytes = 128;
  const where = mediumDirs[medium];
  const quiet = 'IoRing({ deferTaskrun: false, quietLinks: true })';
  return {
    name:
      peer === 'loud'
        ? `${bytes}B write+fdatasync x1 ${medium}: quietLinks on vs off`
        : `${bytes}B write+fdatasync x1 ${medium} vs ${peer === 'fio' ? 'fio' : 'C liburing loop'}`,
    metric: `${bytes} B write linked to an fdatasync, 1 in flight, ${where}`,
    unit: 'appends/s',
    higherIsBetter: true,
    ours: quiet,
    peer: {
      fio: 'fio --rw=write --fdatasync=1 --iodepth=1 (io_uring engine, child process)',
      c: 'the same chain in C over liburing, completion awaited with epoll on the eventfd (child process)',
      loud: 'IoRing({ deferTaskrun: false })',
    }[peer],
    budgetMs: { quick: 6_000, full: 40_000 },
    description:
      `Each append writes ${bytes} B at the next offset of a 64 MiB file in ${where} laid out in advance, linked to an ` +
      'fdatasync (one batch, one submit), and the next starts once both completed: the pattern of a WAL with one ' +
      "append in flight (the wal suite's x1 case). " +
      {
        fio:
          "fio: the wal suite's peer, --rw=write --bs=128 --fdatasync=1 --iodepth=1 over the same file, its write and " +
          'its fdatasync one after the other.',
        c:
          'The peer (src/suites/uring/native/append-loop.c) submits the same linked chain with the same flags on a ring ' +
          'set up as ours (SINGLE_ISSUER, no DEFER_TASKRUN, an eventfd registered) and waits for it as libuv waits for ' +
          'ours: epoll on the eventfd, a read of it, a peek at the completion queue. The ratio is what JavaScript, ' +
          'libuv and N-API add to each append.',
        loud: 'The peer is the same loop on a ring without quietLinks, where the write posts its own completion (a second wake-up when it completes in io-wq).',
      }[peer],
    async setup(ctx) {
      const caps = capabilities();
      if (caps.backend !== 'io_uring') return unavailable(`io_uring is not available here (${caps.reason})`);
      const missingFio = peer === 'fio' ? fioUnavailable() : null;
      if (missingFio !== null) return unavailable(missingFio);
      const loop = peer === 'c' ? await cAppendLoop() : null;
      if (typeof loop === 'string') return unavailable(loop);
      const ours = new IoRing({ backend: 'io_uring', entries: 256, deferTaskrun: false, quietLinks: true });
      const loud = peer === 'loud' ? new IoRing({ backend: 'io_uring', entries: 256, deferTaskrun: false }) : null;
      const path = writeTarget(medium);
      const ms = sampleMs(ctx, medium);
      return {
        ours: () => ringLinkedAppends(ours, path, bytes, ms),
        peer:
          loud !== null
            ? () => ringLinkedAppends(loud, path, bytes, ms)
            : loop !== null
              ? () => cLinkedAppends(loop.binary, path, bytes, ms)
              : () => fioSyncedAppends(path, bytes, 1, ms),
        teardown: () => {
          ours.close();
          loud?.close();
        },
      };
    },
  };
}

/** Every case of the suite, in the order they run. */
export const uringCases: BenchCase[] = [
  ...[1, 8, 32, 128].map((depth) => randomReadCase('disk', depth, 'fs.promises')),
  ...[1, 8, 32, 128].map((depth) => randomReadCase('shm', depth, 'fs.promises')),
  randomReadCase('disk', 32, 'uv-io_uring'),
  randomReadCase('shm', 32, 'uv-io_uring'),
  randomReadCase('disk', 32, 'fio'),
  randomReadCase('shm', 32, 'fio'),
  syncedWriteCase('fs.promises'),
  syncedWriteCase('uv-io_uring'),
  syncedWriteCase('fio'),
  deferTaskrunCase('disk'),
  deferTaskrunCase('shm'),
  linkedAppendCase('disk', 'fio'),
  linkedAppendCase('shm', 'fio'),
  linkedAppendCase('disk', 'c'),
  linkedAppendCase('shm', 'c'),
  linkedAppendCase('disk', 'loud'),
  linkedAppendCase('shm', 'loud'),
];
