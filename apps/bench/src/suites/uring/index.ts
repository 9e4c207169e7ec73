import { defineSuite } from '../../harness/suite.js';
import { uringCases } from './cases.js';

/** @corelane/uring: file I/O through io_uring against fs.promises (both libuv paths) and fio. */
export const uringSuite = defineSuite({
  name: 'uring',
  description:
    'File I/O through @corelane/uring (io_uring) vs fs.promises (libuv thread pool, and UV_USE_IO_URING=1) and fio: ' +
    '4 KiB random reads at depth 1-128 on disk (O_DIRECT) and /dev/shm, 64 KiB writes with fdatasync, and a WAL-style ' +
    'write + fdatasync with and without DEFER_TASKRUN, and with quietLinks against fio and against the same ring without it.',
  cases: uringCases,
});
