import { defineSuite } from '../../harness/suite.js';
import { walCases } from './cases.js';

/** @corelane/reactor/wal: group-committed appends vs fio and fs.promises, replay, recovery. */
export const walSuite = defineSuite({
  name: 'wal',
  description:
    "The write-ahead log of @corelane/reactor/wal: 128 B and 4 KiB appends with fsync 'always' at 1, 16 and 256 " +
    'in flight vs fio (--rw=write --fdatasync=1) and fs.promises (write + datasync per append), zero-ahead vs off, direct vs page cache, a replay vs reading ' +
    'the same files with fs, and the recovery of a durable state (checkpoint + log tail).',
  cases: walCases,
});
