import { formatRatio, formatValue } from './format.js';
import type { CaseResult, Report } from './result.js';

/**
 * The report as one self-contained HTML file: inline CSS and inline SVG charts, no script, no
 * external font, image or stylesheet, so it opens anywhere, offline, and can be attached as is.
 */

const OURS = '#2563eb';
const PEER = '#9ca3af';
const BETTER = '#16a34a';
const WORSE = '#dc2626';

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const esc = escapeHtml;

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const px = (x: number) => (Math.round(x * 10) / 10).toString();

/** Bars for ours vs the peer (medians), a tick per raw sample, and the ratio under them. */
export function caseChart(r: CaseResult): string {
  const width = 720;
  const labelW = 200;
  const valueW = 140;
  const barArea = width - labelW - valueW;
  const title = `${r.suite} / ${r.case}`;
  if (r.status !== 'ok' || r.value === null || r.peerValue === null || r.ratio === null) {
    return [
      `<svg class="chart" data-case="${esc(title)}" width="${width}" height="56" viewBox="0 0 ${width} 56" role="img" aria-label="${esc(title)}: ${esc(r.status)}">`,
      `<rect x="0.5" y="0.5" width="${width - 1}" height="55" rx="6" fill="#f9fafb" stroke="#d1d5db" stroke-dasharray="4 3"/>`,
      `<text x="16" y="24" class="status">${esc(r.status)}</text>`,
      `<text x="16" y="42" class="reason">${esc(truncate(r.reason ?? '', 110))}</text>`,
      '</svg>',
    ].join('');
  }
  const max = Math.max(r.value, r.peerValue, ...r.samples, ...r.peerSamples);
  const scale = (v: number) => (max > 0 ? (v / max) * barArea : 0);
  const rows: [string, number, number[], string][] = [
    [r.ours, r.value, r.samples, OURS],
    [r.peer, r.peerValue, r.peerSamples, PEER],
  ];
  const parts: string[] = [
    `<svg class="chart" data-case="${esc(title)}" width="${width}" height="118" viewBox="0 0 ${width} 118" role="img" aria-label="${esc(title)}: ${esc(r.reading ?? '')}">`,
  ];
  rows.forEach(([name, value, samples, color], i) => {
    const y = 8 + i * 34;
    const w = Math.max(2, scale(value));
    parts.push(
      `<text x="${labelW - 10}" y="${y + 16}" text-anchor="end" class="label">${esc(truncate(name, 32))}</text>`,
      `<rect x="${labelW}" y="${y}" width="${px(w)}" height="24" rx="3" fill="${color}"/>`,
      ...samples.map(
        (s) =>
          `<line x1="${px(labelW + scale(s))}" x2="${px(labelW + scale(s))}" y1="${y - 2}" y2="${y + 26}" stroke="#111827" stroke-width="1.5" opacity="0.55"/>`,
      ),
      `<text x="${px(labelW + Math.max(w, scale(Math.max(...samples))) + 6)}" y="${y + 16}" class="value">${esc(formatValue(value, r.unit))}</text>`,
    );
  });
  const better = (r.speedup ?? 1) >= 1;
  parts.push(
    `<text x="${labelW}" y="96" class="ratio">ratio = ours / peer = ${esc(formatRatio(r.ratio))}` +
      ` (${r.higherIsBetter ? 'higher' : 'lower'} is better)</text>`,
    `<text x="${labelW}" y="113" class="reading" style="fill:${better ? BETTER : WORSE}">ours is ${esc(r.reading ?? '')}</text>`,
    '</svg>',
  );
  return parts.join('');
}

/** Every case's speedup on one log scale: right of 1x ours is better, left it is worse. */
export function summaryChart(results: readonly CaseResult[]): string {
  const width = 720;
  const labelW = 240;
  const readingW = 110;
  const rowH = 26;
  const height = 30 + results.length * rowH;
  const area = width - labelW - readingW - 20;
  const mid = labelW + area / 2;
  const logs = results.map((r) => (r.speedup ? Math.abs(Math.log10(r.speedup)) : 0));
  const span = Math.max(1, Math.ceil(Math.max(0, ...logs)));
  const x = (speedup: number) => mid + (Math.log10(speedup) / span) * (area / 2);
  const parts: string[] = [
    `<svg class="chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="speedup of every case">`,
  ];
  for (let k = -span; k <= span; k++) {
    const gx = px(x(10 ** k));
    const tick = k >= 0 ? `${10 ** k}x` : `1/${10 ** -k}x`;
    parts.push(
      `<line x1="${gx}" x2="${gx}" y1="14" y2="${height}" stroke="${k === 0 ? '#111827' : '#e5e7eb'}"/>`,
      `<text x="${gx}" y="10" text-anchor="middle" class="tick">${tick}</text>`,
    );
  }
  results.forEach((r, i) => {
    const y = 20 + i * rowH;
    parts.push(
      `<text x="${labelW - 10}" y="${y + 14}" text-anchor="end" class="label">${esc(truncate(`${r.suite} / ${r.case}`, 36))}</text>`,
    );
    if (r.speedup === null) {
      parts.push(`<text x="${width - 4}" y="${y + 14}" text-anchor="end" class="reason">${esc(r.status)}</text>`);
      return;
    }
    const end = x(r.speedup);
    const left = Math.min(mid, end);
    const color = r.speedup >= 1 ? BETTER : WORSE;
    parts.push(
      `<rect x="${px(left)}" y="${y}" width="${px(Math.max(1, Math.abs(end - mid)))}" height="18" rx="2" fill="${color}"/>`,
      `<text x="${width - 4}" y="${y + 14}" text-anchor="end" class="value" style="fill:${color}">${esc(r.reading ?? '')}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
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
    caseChart(r),
    samplesTable(r),
    '</section>',
  ].join('\n');
}

const CSS = `
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; color: #111827; margin: 2rem auto; max-width: 780px; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #e5e7eb; padding-bottom: 0.2rem; }
h3 { font-size: 1rem; margin: 1.5rem 0 0.2rem; }
p { margin: 0.2rem 0; }
.metric, .description, .note { color: #4b5563; }
table { border-collapse: collapse; margin: 0.5rem 0; }
td, th { padding: 2px 10px 2px 0; text-align: left; font-variant-numeric: tabular-nums; }
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
    `<p class="legend">speedup of ours over the peer, log scale<span style="background:${BETTER}"></span>ours better<span style="background:${WORSE}"></span>ours worse</p>`,
    summaryChart(report.results),
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
