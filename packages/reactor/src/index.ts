/**
 * `@corelane/reactor`. Placeholder entry until the runtime lands: the durable-state engine and
 * the WAL it is built on (also at `@corelane/reactor/wal`).
 * @packageDocumentation
 */
export * from './wal/index.js';
