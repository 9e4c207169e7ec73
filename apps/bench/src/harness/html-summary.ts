// The summary chart: every case's speedup on one log scale, one row per case. Its geometry is
// computed first (summaryLayout) and drawn after, so tests can check it: no tick label overlaps
// the next, every row label fits the label column, and every label keeps its full text.
import { escapeHtml as esc } from './escape.js';
import type { CaseResult } from './result.js';
import { textWidth, wrapText } from './svg-text.js';

export const SUMMARY = {
  width: 960,
  /** The label column (right-aligned, wrapped): x from `labelX` to `labelW - labelGap`. */
  labelX: 6,
  labelW: 380,
  labelGap: 10,
  readingW: 150,
  labelFont: 12,
  tickFont: 10,
  lineH: 15,
  rowPad: 8,
  top: 22,
  /** Least room between two tick labels, in px. */
  tickGap: 8,
} as const;

export const BETTER = '#16a34a';
export const WORSE = '#dc2626';
export const UNCLEAR = '#6b7280';

export interface Tick {
  /** The decade: the tick is at 10^k. */
  k: number;
  x: number;
  /** Shown under the axis, or only drawn as a grid line (labels too close otherwise). */
  label: string | null;
  labelWidth: number;
}

export interface SummaryRow {
  result: CaseResult;
  /** The full label, `suite / case`. */
  label: string;
  /** The label wrapped to the label column. */
  lines: string[];
  y: number;
  height: number;
}

export interface SummaryLayout {
  width: number;
  height: number;
  mid: number;
  /** Pixels from 1x to 10x. */
  decadePx: number;
  ticks: Tick[];
  rows: SummaryRow[];
  x: (speedup: number) => number;
}

const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';

/** `1x`, `10x` … `1000x`, then `10⁴x`; below 1 the same as a fraction (`1/100x`, `1/10⁵x`). */
export function tickLabel(k: number): string {
  const n = Math.abs(k);
  const power = n <= 3 ? String(10 ** n) : `10${[...String(n)].map((d) => SUPERSCRIPT[Number(d)]).join('')}`;
  if (k === 0) return '1x';
  return k > 0 ? `${power}x` : `1/${power}x`;
}

/** The chart's geometry: tick positions and labels, row positions and wrapped labels. */
export function summaryLayout(results: readonly CaseResult[]): SummaryLayout {
  const s = SUMMARY;
  const area = s.width - s.labelW - s.readingW - 20;
  const mid = s.labelW + area / 2;
  const logs = results.map((r) => (r.speedup ? Math.abs(Math.log10(r.speedup)) : 0));
  const span = Math.max(1, Math.ceil(Math.max(0, ...logs)));
  const decadePx = area / 2 / span;
  const x = (speedup: number) => mid + (Math.log10(speedup) / span) * (area / 2);
  // Label every `step`-th decade, the smallest step at which neighbouring labels keep apart.
  const widest = Math.max(...[-span, span].map((k) => textWidth(tickLabel(k), s.tickFont)));
  const step = Math.max(1, Math.ceil((widest + s.tickGap) / decadePx));
  const ticks: Tick[] = [];
  for (let k = -span; k <= span; k++) {
    const shown = k % step === 0;
    const label = shown ? tickLabel(k) : null;
    ticks.push({ k, x: x(10 ** k), label, labelWidth: label === null ? 0 : textWidth(label, s.tickFont) });
  }
  const labelRoom = s.labelW - s.labelGap - s.labelX;
  let y = s.top;
  const rows = results.map((result) => {
    const label = `${result.suite} / ${result.case}`;
    const lines = wrapText(label, labelRoom, s.labelFont);
    const height = Math.max(26, lines.length * s.lineH + s.rowPad);
    const row = { result, label, lines, y, height };
    y += height;
    return row;
  });
  return { width: s.width, height: y + 4, mid, decadePx, ticks, rows, x };
}

const px = (v: number) => (Math.round(v * 10) / 10).toString();

/** A row's colour: green when ours is better, red when worse, grey when the rounds disagree. */
export function readingColor(r: CaseResult): string {
  if (r.clear === false) return UNCLEAR;
  return (r.speedup ?? 1) >= 1 ? BETTER : WORSE;
}

/** Every case's speedup on one log scale: right of 1x ours is better, left it is worse. */
export function summaryChart(results: readonly CaseResult[]): string {
  const s = SUMMARY;
  const layout = summaryLayout(results);
  const { width, height, mid } = layout;
  const parts: string[] = [
    `<svg class="chart summary" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="speedup of every case">`,
  ];
  for (const tick of layout.ticks) {
    const gx = px(tick.x);
    parts.push(`<line x1="${gx}" x2="${gx}" y1="14" y2="${height}" stroke="${tick.k === 0 ? '#111827' : '#e5e7eb'}"/>`);
    if (tick.label !== null)
      parts.push(`<text x="${gx}" y="10" text-anchor="middle" class="tick">${tick.label}</text>`);
  }
  for (const row of layout.rows) {
    const r = row.result;
    const labelRight = s.labelW - s.labelGap;
    // Lines centred on the bar; the whole label (and the reading) in the row's tooltip.
    const firstBaseline = row.y + row.height / 2 - ((row.lines.length - 1) * s.lineH) / 2 + 4;
    const tspans = row.lines
      .map((line, i) => `<tspan x="${labelRight}" y="${px(firstBaseline + i * s.lineH)}">${esc(line)}</tspan>`)
      .join('');
    parts.push(
      `<g class="row"><title>${esc(row.label)}: ${esc(r.reading ?? r.status)}${r.weakPeer === null ? '' : ` (weak peer: ${esc(r.weakPeer)})`}</title>`,
      `<text text-anchor="end" class="label">${tspans}</text>`,
    );
    const barY = row.y + row.height / 2 - 9;
    if (r.speedup === null) {
      parts.push(
        `<text x="${width - 4}" y="${px(barY + 14)}" text-anchor="end" class="reason">${esc(r.status)}</text>`,
      );
    } else {
      const end = layout.x(r.speedup);
      const color = readingColor(r);
      parts.push(
        `<rect x="${px(Math.min(mid, end))}" y="${px(barY)}" width="${px(Math.max(1, Math.abs(end - mid)))}" height="18" rx="2" fill="${color}"/>`,
        `<text x="${width - 4}" y="${px(barY + 14)}" text-anchor="end" class="value" style="fill:${color}">${esc(r.reading ?? '')}${r.weakPeer === null ? '' : '*'}</text>`,
      );
    }
    parts.push('</g>');
  }
  parts.push('</svg>');
  return parts.join('');
}
