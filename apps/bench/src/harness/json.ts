import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CaseResult, Report, RunMeta } from './result.js';

export function buildReport(meta: RunMeta, results: CaseResult[]): Report {
  return { schemaVersion: 1, meta, results };
}

/** The report as JSON text (2-space indent, trailing newline). */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** Writes `text` to `file`, creating its directory. */
export function writeText(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}
