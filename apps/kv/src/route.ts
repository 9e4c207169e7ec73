// Which core owns a command: the core of its keys, by `partition(key, cores)` from
// @corelane/router (fxhash64 of the key bytes). The runtime sends a command to that core, or,
// when its keys live on several cores, coordinates them (server/cross-core.ts).
import { partition } from '@corelane/router';
import { keyPositions } from './commands/spec.js';
import { lookupCommand } from './commands/table.js';

/** The core that owns `key` among `cores`. */
export function ownerOf(key: string, cores: number): number {
  return partition(Buffer.from(key, 'latin1'), cores);
}

/**
 * The core that owns every key of `argv` among `cores`; `null` when it has no keys (any core
 * runs it), `-1` when its keys live on different cores.
 */
export function routeCommand(argv: string[], cores: number): number | null {
  const spec = lookupCommand(argv);
  if (spec === null) return null;
  let owner: number | null = null;
  for (const i of keyPositions(spec, argv)) {
    const core = ownerOf(argv[i] as string, cores);
    if (owner === null) owner = core;
    else if (owner !== core) return -1;
  }
  return owner;
}
