export type { CheckpointStep } from './checkpoint-file.js';
export { msgpackCodec, type RecordCodec } from './codec.js';
export { DurableState, type DurableStateOptions, type StateSpec } from './durable-state.js';
