/**
 * @corelane/uring: io_uring file I/O for Node.js threads, with a thread-pool fallback that
 * says so.
 * @packageDocumentation
 */
export { CorelaneError, CorelaneRangeError, CorelaneTypeError, ErrorCode } from '@corelane/shared';
export type { Batch, LinkOption } from './batch.js';
export { capabilities, type UringCapabilities } from './capabilities.js';
export { FileSystemError } from './fs-error.js';
export type {
  FallocateOptions,
  FileOpOptions,
  FsyncOptions,
  OpOptions,
  ReadWriteOptions,
  StatxOptions,
} from './ops.js';
export { type Backend, IoRing, type IoRingInfo, type IoRingOptions } from './ring.js';
export type { FileStats } from './stats.js';
