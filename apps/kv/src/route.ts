// Which core owns a command: the core of its keys, by `jumpPartition(key, cores)` from
// @corelane/router (jump consistent hash of the finalized fxhash64 of the key bytes). Not
// `partition()` (fxhash64 % cores): fxhash's low bits see few bits of the key, and with `% 2`
// every `key:<12 digits>` that redis-benchmark sends landed on core 0. The runtime sends a
// command to that core, or, when its keys live on several cores, coordinates them
// (server/cross-core.ts).
import { jumpPartition } from '@corelane/router';
import { keyPositions } from './commands/spec.js';
import { lookupCommand } from './commands/table.js';

/** Reused for the bytes of keys up to its size: routing allocates nothing for them. */
const scratch = Buffer.allocUnsafe(4096);

/** The bytes of latin1 `key` (valid until the next call). */
function keyBytes(key: string): Buffer {
  if (key.length > scratch.length) return Buffer.from(key, 'latin1');
  return scratch.subarray(0, scratch.write(key, 0, 'latin1'));
}

/** The core that owns `key` among `cores`. */
export function ownerOf(key: string, cores: number): number {
  return jumpPartition(keyBytes(key), cores);
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
