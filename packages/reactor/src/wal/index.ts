/**
 * `@corelane/reactor/wal`: a write-ahead log with group commit, written through
 * `@corelane/uring`, usable without the runtime.
 * @packageDocumentation
 */
export { CorelaneError, CorelaneRangeError, CorelaneTypeError, ErrorCode } from '@corelane/shared';
// The checkpoint file of DurableState, for a state that logs after it applies (apps/kv).
export { newestCheckpoint, writeCheckpoint } from '../state/checkpoint-file.js';
// The durable-state engine on top of the log, usable without the runtime too.
export {
  type CheckpointStep,
  DurableState,
  type DurableStateOptions,
  msgpackCodec,
  type RecordCodec,
  type StateSpec,
} from '../state/index.js';
export { type DamageReason, WalCorruptError } from './errors.js';
export type { FsyncPolicy, WalOptions } from './options.js';
export type { WalRecovery } from './recovery.js';
export { type ReplayOptions, type ReplayResult, Wal, type WalRecord } from './wal.js';
