import { escapeHtml as esc } from './escape.js';
import { formatRatio, formatValue } from './format.js';
import { caseChart, OURS, PEER } from './html-case.js';
import { BETTER, readingColor, summaryChart, UNCLEAR, WORSE } from './html-summary.js';
import type { CaseResult, Report } from './result.js';

/**
 * The report as one self-contained HTML file: inline CSS and inline SVG charts, no script, no
 * external font, image or stylesheet, so it opens anywhere, offline, and can be attached as is.
 */

export { escapeHtml } from './escape.js';
export { caseChart } from './html-case.js';
export { summaryChart } from './html-summary.js';

/** Every case in one table, with full names: what the summary chart draws, as text. */
function summaryTable(results: readonly CaseResult[]): string {
  const rows = results.map((r) => {
    const color = r.status === 'ok' ? readingColor(r) : UNCLEAR;
    return (
      `<tr><td>${esc(r.suite)}</td><td>${esc(r.case)}</td><td>${esc(r.ours)}</td>` +
      `<td class="num">${esc(r.status === 'ok' ? formatValue(r.value, r.unit) : r.status)}</td>` +
      `<td>${esc(r.peer)}${r.weakPeer === null ? '' : ` <span class="weak">(weak peer: ${esc(r.weakPeer)})</span>`}</td><td class="num">${esc(formatValue(r.peerValue, r.unit))}</td>` +
      `<td class="num">${esc(formatRatio(r.ratio))}</td><td class="${r.status === 'ok' ? 'num' : ''}" style="color:${color}">${esc(r.reading ?? r.reason ?? '')}</td></tr>`
    );
  });
  return (
    '<table class="summary"><thead><tr><th>suite</th><th>case</th><th>ours</th><th>value</th><th>peer</th>' +
    `<th>peer value</th><th>ratio</th><th>reading</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}

function samplesTable(r: CaseResult): string {
  if (r.samples.length === 0) return '';
  const rows = r.samples
    .map(
      (s, i) =>
        `<tr><td>${i + 1}</td><td>${esc(formatValue(s, r.unit))}</td><td>${esc(formatValue(r.peerSamples[i] ?? null, r.unit))}</td><td>${esc(formatRatio(r.roundRatios[i] ?? null))}</td></tr>`,
    )
    .join('');
  return (
    '<details><summary>raw samples</summary><table class="samples"><thead><tr><th>round</th>' +
    `<th>${esc(r.ours)}</th><th>${esc(r.peer)}</th><th>ratio</th></tr></thead><tbody>${rows}</tbody></table></details>`
  );
}

function caseSection(r: CaseResult): string {
  return [
    '<section class="case">',
    `<h3>${esc(r.suite)} / ${esc(r.case)}</h3>`,
    `<p class="metric">${esc(r.metric)} in ${esc(r.unit)} (${r.higherIsBetter ? 'higher' : 'lower'} is better) — ` +
      `<b>${esc(r.ours)}</b> vs <b>${esc(r.peer)}</b></p>`,
    r.description ? `<p class="description">${esc(r.description)}</p>` : '',
    r.weakPeer === null ? '' : `<p class="weak">A weak peer: ${esc(r.weakPeer)}</p>`,
    caseChart(r),
    samplesTable(r),
    '</section>',
  ].join('\n');
}

const CSS = `
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; color: #111827; margin: 2rem auto; max-width: 980px; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #e5e7eb; padding-bottom: 0.2rem; }
h3 { font-size: 1rem; margin: 1.5rem 0 0.2rem; }
p { margin: 0.2rem 0; }
.metric, .description, .note { color: #4b5563; }
.weak { color: #92400e; }
table { border-collapse: collapse; margin: 0.5rem 0; }
td, th { padding: 2px 10px 2px 0; text-align: left; vertical-align: top; font-variant-numeric: tabular-nums; }
table.summary { font-size: 12px; width: 100%; }
table.summary td { border-top: 1px solid #f3f4f6; overflow-wrap: break-word; }
table.summary td:first-child, table.summary .num { white-space: nowrap; }
table.summary .num { text-align: right; }
table.summary td:last-child { text-align: left; }
.chart { display: block; margin: 0.5rem 0; max-width: 100%; height: auto; }
.chart text { font: 12px system-ui, sans-serif; fill: #111827; }
.chart .tick { font-size: 10px; fill: #6b7280; }
.chart .ratio { fill: #374151; }
.chart .reading { font-weight: 600; }
.chart .status { font-weight: 600; fill: #6b7280; }
.chart .reason { fill: #6b7280; }
.legend span { display: inline-block; width: 10px; height: 10px; margin: 0 4px 0 12px; border-radius: 2px; }
`;

/** The whole report page. */
export function renderHtml(report: Report): string {
  const m = report.meta;
  const metaRows: [string, string][] = [
    ['date', m.date],
    ['node', `${m.node} (V8 ${m.v8})`],
    ['machine', `${m.cpuModel}, ${m.cpuCount} CPUs (${m.availableParallelism} available), ${m.platform}/${m.arch}`],
    ['kernel', m.kernel],
    [
      'run',
      `${m.quick ? 'quick' : 'full'}, ${m.rounds} rounds + ${m.warmupRounds} warm-up, ${(m.durationMs / 1000).toFixed(1)} s`,
    ],
    ['suites', m.suites.join(', ')],
  ];
  const bySuite = new Map<string, CaseResult[]>();
  for (const r of report.results) bySuite.set(r.suite, [...(bySuite.get(r.suite) ?? []), r]);
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>corelane benchmarks — ${esc(m.date)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<h1>corelane benchmarks</h1>',
    '<p class="note">Each case measures ours (A) and a named peer (B) interleaved in one run (A B A B …, after a warm-up round) and compares the medians: ' +
      '<b>ratio = ours / peer</b>. For a throughput (higher is better) a ratio above 1 means ours is faster; for a cost (lower is better) a ratio below 1 means ours is faster. ' +
      'Absolute numbers depend on this machine; the ratios are the claim.</p>',
    `<table class="meta"><tbody>${metaRows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</tbody></table>`,
    '<h2>Summary</h2>',
    `<p class="legend">speedup of ours over the peer, log scale<span style="background:${BETTER}"></span>ours better<span style="background:${WORSE}"></span>ours worse<span style="background:${UNCLEAR}"></span>no clear difference (the rounds disagree)</p>`,
    summaryChart(report.results),
    report.results.some((r) => r.weakPeer !== null)
      ? '<p class="note weak">* a weak peer (the case says why): its ratio is no win over a fair rival.</p>'
      : '',
    '<details open><summary>the summary as a table</summary>',
    summaryTable(report.results),
    '</details>',
    ...[...bySuite].map(([suite, results]) =>
      [
        `<h2>${esc(suite)}</h2>`,
        `<p class="legend"><span style="background:${OURS}"></span>ours (median)<span style="background:${PEER}"></span>peer (median); ticks: raw samples</p>`,
        ...results.map(caseSection),
      ].join('\n'),
    ),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
