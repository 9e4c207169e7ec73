// One entry of the command table: what COMMAND INFO reports, and what routing needs (the key
// positions, as Redis's first-key/last-key/step triple).
import type { Reply } from '../resp/reply.js';
import type { BlockRequest, ExecContext } from './context.js';
import { COMMAND_METADATA } from './metadata.js';

/** A flag as COMMAND INFO lists it (`write`, `readonly`, `fast`, `no_auth`, `blocking`, …). */
export type CommandFlag = string;

/** How a command runs: its reply, or a request to block. */
export type Handler = (c: ExecContext, argv: string[]) => Reply | BlockRequest;

/** A command (or a subcommand of a container such as CONFIG). */
export interface CommandSpec {
  /** Lower case; a subcommand's is its own (`get`), its fullname `config|get`. */
  readonly name: string;
  readonly fullname: string;
  /** Redis's arity: n = exactly n arguments (the name counts), -n = at least n. */
  readonly arity: number;
  readonly flags: readonly CommandFlag[];
  /** First key's position, last key's (-1 = the last argument, -2 = the one before), step; 0,0,0 = no keys. */
  readonly firstKey: number;
  readonly lastKey: number;
  readonly step: number;
  /** Redis's ACL categories (COMMAND INFO). */
  readonly categories: readonly string[];
  readonly handler: Handler | null;
  /** Subcommands of a container command, by lower-case name. */
  readonly subcommands: Map<string, CommandSpec> | null;
  /** For commands whose keys are not first/last/step (SINTERCARD numkeys …): the key positions. */
  readonly keysOf?: (argv: string[]) => number[];
}

/** The options {@link command} takes. */
export interface CommandOptions {
  arity: number;
  keys?: readonly [number, number, number];
  keysOf?: (argv: string[]) => number[];
}

function metadata(fullname: string): { flags: readonly CommandFlag[]; categories: readonly string[] } {
  // A subcommand is declared before its container names it (`config|get`): the container sets it then.
  const entry = COMMAND_METADATA[fullname];
  return entry ? { flags: entry[0], categories: entry[1] } : { flags: [], categories: [] };
}

/** Declares a command. */
export function command(name: string, options: CommandOptions, handler: Handler): CommandSpec {
  const [firstKey, lastKey, step] = options.keys ?? [0, 0, 0];
  const spec: CommandSpec = {
    name,
    fullname: name,
    arity: options.arity,
    ...metadata(name),
    firstKey,
    lastKey,
    step,
    handler,
    subcommands: null,
  };
  return options.keysOf ? { ...spec, keysOf: options.keysOf } : spec;
}

/** Declares a container command (CONFIG, CLIENT, COMMAND) from its subcommands. */
export function container(
  name: string,
  arity: number,
  subs: CommandSpec[],
  handler: Handler | null = null,
): CommandSpec {
  const subcommands = new Map<string, CommandSpec>();
  for (const s of subs)
    subcommands.set(s.name, { ...s, fullname: `${name}|${s.name}`, ...metadata(`${name}|${s.name}`) });
  return {
    name,
    fullname: name,
    arity,
    ...metadata(name),
    firstKey: 0,
    lastKey: 0,
    step: 0,
    handler,
    subcommands,
  };
}

/** The positions of the keys of `argv` for `spec` (what routing to the owning core uses). */
export function keyPositions(spec: CommandSpec, argv: string[]): number[] {
  if (spec.keysOf) return spec.keysOf(argv);
  if (spec.firstKey === 0) return [];
  const last = spec.lastKey < 0 ? argv.length + spec.lastKey : spec.lastKey;
  const out: number[] = [];
  for (let i = spec.firstKey; i <= last && i < argv.length; i += spec.step) out.push(i);
  return out;
}
