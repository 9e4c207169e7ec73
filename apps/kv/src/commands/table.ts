// Every command, by lower-case name.
import { bitCommands } from './bits.js';
import { commandRegistry, connectionCommands } from './connection.js';
import { hashCommands } from './hashes.js';
import { keyCommands } from './keys.js';
import { listCommands } from './lists.js';
import { setCommands } from './sets.js';
import type { CommandSpec } from './spec.js';
import { stringCommands } from './strings.js';
import { transactionCommands } from './transactions.js';

for (const spec of [
  ...connectionCommands,
  ...stringCommands,
  ...bitCommands,
  ...keyCommands,
  ...listCommands,
  ...hashCommands,
  ...setCommands,
  ...transactionCommands,
]) {
  commandRegistry.set(spec.name, spec);
}

/** The command table: what COMMAND lists, what the engine runs, what routing reads key positions from. */
export const commandTable: ReadonlyMap<string, CommandSpec> = commandRegistry;

/** Names as clients usually spell them (SET, set): found without lower-casing a copy. */
const byExactName = new Map<string, CommandSpec>();
for (const [name, spec] of commandRegistry) {
  byExactName.set(name, spec);
  byExactName.set(name.toUpperCase(), spec);
}

/**
 * The spec that runs `argv` (a container's subcommand when there is one), or null when the name
 * is unknown. Mirrors Redis's lookupCommand(): a container with no second argument is the
 * container itself.
 */
export function lookupCommand(argv: readonly string[]): CommandSpec | null {
  const name = argv[0] as string;
  const spec = byExactName.get(name) ?? commandTable.get(name.toLowerCase());
  if (!spec) return null;
  if (spec.subcommands === null || argv.length === 1) return spec;
  return spec.subcommands.get((argv[1] as string).toLowerCase()) ?? null;
}

/** The lower-case name of command `name` (no copy for a known command as clients spell it). */
export function commandName(name: string): string {
  return byExactName.get(name)?.name ?? name.toLowerCase();
}
