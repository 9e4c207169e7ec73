import { parseArgs as parseNodeArgs } from 'node:util';

/** What the command line asked for. Paths are as given (the CLI resolves them against the cwd). */
export interface CliOptions {
  help: boolean;
  list: boolean;
  quick: boolean;
  /** Suite names to run, in the order given; empty: all. */
  filter: string[];
  /** Only the cases whose name contains one of these (case-insensitive); empty: every case. */
  cases: string[];
  /** Recorded rounds per case; `null`: the default for quick / full runs. */
  rounds: number | null;
  json: string | null;
  html: string | null;
}

/** A command line that cannot be run; the CLI prints the message and the usage, and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `Usage: pnpm bench [--quick] [--filter <suite>] [--case <text>] [--json <file>] [--html <file>]

Runs each benchmark case as ours (A) vs a named peer (B), interleaved A B A B over several
rounds after a warm-up, and reports medians and ratio = ours / peer.

Options:
  --quick            3 rounds and small budgets (the whole run in about a minute)
  --filter <suite>   run only these suites; repeatable or comma-separated (--filter a,b)
  --case <text>      run only the cases whose name contains <text> (case-insensitive); repeatable
  --json <file>      where to write the JSON results (default apps/bench/results/latest.json)
  --html <file>      where to write the HTML report (default apps/bench/results/report.html)
  --rounds <n>       recorded rounds per case (default 3 with --quick, 7 otherwise)
  --list             list the suites and their cases, run nothing
  -h, --help         print this help`;

/** Parses the CLI's arguments; `knownSuites` are the names `--filter` accepts. */
export function parseArgs(argv: readonly string[], knownSuites: readonly string[]): CliOptions {
  // pnpm may pass a literal `--` before the script's own arguments.
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);

  const filter: string[] = [];
  for (const item of (values.filter ?? []).flatMap((f) => f.split(','))) {
    const name = item.trim();
    if (name === '') continue;
    if (!knownSuites.includes(name)) {
      throw new UsageError(`unknown suite ${JSON.stringify(name)}; known suites: ${knownSuites.join(', ')}`);
    }
    if (!filter.includes(name)) filter.push(name);
  }
  if (values.filter !== undefined && filter.length === 0) {
    throw new UsageError(`--filter needs a suite name; known suites: ${knownSuites.join(', ')}`);
  }

  const cases = (values.case ?? []).map((c) => c.trim().toLowerCase());
  if (cases.some((c) => c === '')) throw new UsageError('--case needs part of a case name (see --list)');

  let rounds: number | null = null;
  if (values.rounds !== undefined) {
    rounds = Number(values.rounds);
    if (!Number.isInteger(rounds) || rounds < 1 || rounds > 1000) {
      throw new UsageError(`--rounds must be an integer from 1 to 1000, got ${JSON.stringify(values.rounds)}`);
    }
  }
  for (const key of ['json', 'html'] as const) {
    if (values[key] === '') throw new UsageError(`--${key} needs a file name`);
  }

  return {
    help: values.help ?? false,
    list: values.list ?? false,
    quick: values.quick ?? false,
    filter,
    cases,
    rounds,
    json: values.json ?? null,
    html: values.html ?? null,
  };
}

function parse(args: string[]) {
  return parseNodeArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      list: { type: 'boolean' },
      quick: { type: 'boolean' },
      filter: { type: 'string', multiple: true },
      case: { type: 'string', multiple: true },
      rounds: { type: 'string' },
      json: { type: 'string' },
      html: { type: 'string' },
    },
  });
}
