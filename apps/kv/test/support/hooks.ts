// The server a shard or a gate tested alone runs under: nothing behind it.
import type { ServerHooks } from '../../src/commands/context.js';

/** No config, no INFO, no other sessions; SHUTDOWN does nothing. */
export const noServer: ServerHooks = {
  config: () => new Map(),
  setConfig: () => null,
  info: () => '',
  sessions: () => [],
  shutdown: () => {},
};
