/**
 * `@corelane/reactor`. Placeholder entry until the runtime lands: the durable-state engine and
 * the WAL it is built on.
 * @packageDocumentation
 */
export * from './state/index.js';
export * from './wal/index.js';
