/**
 * corelane-kv: a Redis-compatible in-memory server. RESP2/RESP3, the replies and error texts of
 * Redis 7.0, and a shard engine whose writes are deterministic records (the WAL's input).
 * @packageDocumentation
 */
export type { BlockRequest, ExecContext, ServerHooks, Session } from './commands/context.js';
export { type Execution, Shard, type ShardOptions, unknownCommandError, type WriteRecord } from './commands/engine.js';
export { decodeRecord, encodeRecord } from './commands/record-codec.js';
export { type CommandFlag, type CommandSpec, keyPositions } from './commands/spec.js';
export { commandTable, lookupCommand } from './commands/table.js';
export { encodeReply, type Protocol, ReplyWriter } from './resp/encoder.js';
export * from './resp/reply.js';
export { type FramedReply, type ParsedReply, ReplyParser, ReplySyntaxError } from './resp/reply-parser.js';
export { ProtocolError, RequestParser, type RequestParserOptions } from './resp/request-parser.js';
export { routeCommand } from './route.js';
export type { AppendFsync } from './runtime/core-log.js';
export { MeshDispatcher, type MeshPort } from './runtime/mesh-dispatcher.js';
export { type KvRuntime, type KvRuntimeOptions, startKvRuntime } from './runtime/start.js';
export { ClientConnection, type ConnectionHost } from './server/connection.js';
export type { Dispatcher } from './server/dispatcher.js';
export { CROSSSLOT, RoutingDispatcher } from './server/routing-dispatcher.js';
export { KvServer, type KvServerOptions, startServer } from './server/server.js';
export { ShardDispatcher, type ShardDispatcherOptions } from './server/shard-dispatcher.js';
export { Keyspace } from './store/keyspace.js';
