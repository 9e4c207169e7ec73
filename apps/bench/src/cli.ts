#!/usr/bin/env node
/**
 * `pnpm bench [--quick] [--filter <suite>] [--case <text>] [--json <file>] [--html <file>]`: runs the suites,
 * prints the table, writes the JSON results and the HTML report.
 */
import { join, resolve } from 'node:path';
import { parseArgs, USAGE, UsageError } from './harness/args.js';
import { renderHtml } from './harness/html.js';
import { buildReport, renderJson, writeText } from './harness/json.js';
import { collectMeta } from './harness/meta.js';
import { FULL_ROUNDS, QUICK_ROUNDS, runSuites } from './harness/run.js';
import { selectCases } from './harness/select.js';
import { renderTable } from './harness/table.js';
import { packageRoot } from './harness/worker.js';
import { suites } from './suites/index.js';

const WARMUP_ROUNDS = 1;

async function main(argv: string[]): Promise<number> {
  const known = suites.map((s) => s.name);
  let options: ReturnType<typeof parseArgs>;
  try {
    options = parseArgs(argv, known);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`error: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const selected = options.filter.length > 0 ? options.filter.map((n) => suites.find((s) => s.name === n)) : suites;
  const chosen = selectCases(
    selected.filter((s) => s !== undefined),
    options.cases,
  );
  if (chosen.length === 0) {
    console.error(`error: no case matches --case ${options.cases.join(', ')} (see --list)\n\n${USAGE}`);
    return 2;
  }
  if (options.list) {
    for (const suite of chosen) {
      console.log(`${suite.name}: ${suite.description}`);
      for (const c of suite.cases) console.log(`  ${c.name}: ${c.ours ?? 'corelane'} vs ${c.peer} (${c.unit})`);
    }
    return 0;
  }

  const resultsDir = join(packageRoot(), 'results');
  const jsonFile = resolve(options.json ?? join(resultsDir, 'latest.json'));
  const htmlFile = resolve(options.html ?? join(resultsDir, 'report.html'));
  const rounds = options.rounds ?? (options.quick ? QUICK_ROUNDS : FULL_ROUNDS);
  const log = (line: string) => console.error(line);
  log(
    `corelane bench: ${options.quick ? 'quick' : 'full'} run, ${rounds} rounds + ${WARMUP_ROUNDS} warm-up per case, ` +
      `suites: ${chosen.map((s) => s.name).join(', ')}`,
  );

  const date = new Date();
  const started = performance.now();
  const results = await runSuites(chosen, { quick: options.quick, rounds, warmupRounds: WARMUP_ROUNDS, log });
  const meta = collectMeta({
    quick: options.quick,
    rounds,
    warmupRounds: WARMUP_ROUNDS,
    suites: chosen.map((s) => s.name),
    durationMs: performance.now() - started,
    date,
  });
  const report = buildReport(meta, results);
  writeText(jsonFile, renderJson(report));
  writeText(htmlFile, renderHtml(report));

  console.log('');
  console.log(renderTable(results));
  console.log('');
  console.log('ratio = ours / peer (medians); "reading" says which way is better for the metric.');
  console.log(`${meta.cpuModel}, ${meta.cpuCount} CPUs, Node ${meta.node}, ${(meta.durationMs / 1000).toFixed(1)} s`);
  console.log(`JSON: ${jsonFile}`);
  console.log(`HTML: ${htmlFile}`);
  const failed = results.filter((r) => r.status === 'error');
  if (failed.length > 0) {
    console.error(`${failed.length} case(s) failed: ${failed.map((r) => `${r.suite}/${r.case}`).join(', ')}`);
    return 1;
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Every worker is terminated by now; should anything still hold the loop open, do not hang.
    setTimeout(() => {
      console.error('bench: something kept the process alive after the run; exiting');
      process.exit();
    }, 5_000).unref();
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
