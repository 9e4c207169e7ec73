import { formatRatio, formatValue } from './format.js';
import type { CaseResult } from './result.js';

const HEADER = ['suite', 'case', 'metric', 'ours', 'peer', 'peer value', 'ratio', 'reading'];

function row(r: CaseResult): string[] {
  const metric = `${r.metric} (${r.higherIsBetter ? 'higher' : 'lower'} is better)`;
  const peer = r.weakPeer === null ? r.peer : `${r.peer} (weak peer: ${r.weakPeer})`;
  if (r.status !== 'ok') {
    return [r.suite, r.case, metric, r.status, peer, '–', '–', r.reason ?? ''];
  }
  return [
    r.suite,
    r.case,
    metric,
    formatValue(r.value, r.unit),
    peer,
    formatValue(r.peerValue, r.unit),
    formatRatio(r.ratio),
    r.reading ?? '',
  ];
}

/**
 * The results as an aligned plain-text table: ours (median), the peer's name and median,
 * `ratio = ours / peer`, and a plain reading of it (`12.3x faster`).
 */
export function renderTable(results: readonly CaseResult[]): string {
  const rows = [HEADER, ...results.map(row)];
  const widths = HEADER.map((_, col) => Math.max(...rows.map((cells) => (cells[col] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, col) => cell.padEnd(widths[col] ?? 0))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(HEADER), rule, ...rows.slice(1).map(line)].join('\n');
}
