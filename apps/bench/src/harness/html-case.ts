// One case's chart: a bar for ours and one for the peer (medians), a tick per raw sample, the
// ratio and its reading. Each side's name sits above its bar across the whole width, wrapped
// when it is longer, so no name is cut or runs off the edge; the full name is in a <title>.
import { escapeHtml as esc } from './escape.js';
import { formatRatio, formatValue } from './format.js';
import { readingColor } from './html-summary.js';
import type { CaseResult } from './result.js';
import { wrapText } from './svg-text.js';

export const OURS = '#2563eb';
export const PEER = '#9ca3af';

export const CASE = { width: 960, valueW: 150, font: 12, lineH: 15, barH: 22, gap: 10 } as const;

const px = (x: number) => (Math.round(x * 10) / 10).toString();

/** `lines` as one <text> of <tspan>s, the first baseline at `y`. */
function textLines(lines: readonly string[], x: number, y: number, cls: string): string {
  const tspans = lines.map((line, i) => `<tspan x="${x}" y="${px(y + i * CASE.lineH)}">${esc(line)}</tspan>`);
  return `<text class="${cls}">${tspans.join('')}</text>`;
}

/** Bars for ours vs the peer (medians), a tick per raw sample, and the ratio under them. */
export function caseChart(r: CaseResult): string {
  const { width, valueW, font, lineH, barH, gap } = CASE;
  const title = `${r.suite} / ${r.case}`;
  if (r.status !== 'ok' || r.value === null || r.peerValue === null || r.ratio === null) {
    const lines = wrapText(r.reason ?? '', width - 32, font);
    const height = 40 + lines.length * lineH;
    return [
      `<svg class="chart" data-case="${esc(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(title)}: ${esc(r.status)}">`,
      `<rect x="0.5" y="0.5" width="${width - 1}" height="${height - 1}" rx="6" fill="#f9fafb" stroke="#d1d5db" stroke-dasharray="4 3"/>`,
      `<text x="16" y="24" class="status">${esc(r.status)}</text>`,
      textLines(lines, 16, 42, 'reason'),
      '</svg>',
    ].join('');
  }
  const barArea = width - valueW;
  const max = Math.max(r.value, r.peerValue, ...r.samples, ...r.peerSamples);
  const scale = (v: number) => (max > 0 ? (v / max) * barArea : 0);
  const sides: [string, number, number[], string][] = [
    [r.ours, r.value, r.samples, OURS],
    [r.peer, r.peerValue, r.peerSamples, PEER],
  ];
  const body: string[] = [];
  let y = 4;
  for (const [name, value, samples, color] of sides) {
    const lines = wrapText(name, width, font);
    body.push(`<g><title>${esc(name)}: ${esc(formatValue(value, r.unit))}</title>`);
    body.push(textLines(lines, 0, y + font, 'label'));
    y += lines.length * lineH + 4;
    const w = Math.max(2, scale(value));
    body.push(
      `<rect x="0" y="${y}" width="${px(w)}" height="${barH}" rx="3" fill="${color}"/>`,
      ...samples.map(
        (s) =>
          `<line x1="${px(scale(s))}" x2="${px(scale(s))}" y1="${y - 2}" y2="${y + barH + 2}" stroke="#111827" stroke-width="1.5" opacity="0.55"/>`,
      ),
      `<text x="${px(Math.max(w, scale(Math.max(...samples))) + 6)}" y="${y + 15}" class="value">${esc(formatValue(value, r.unit))}</text>`,
      '</g>',
    );
    y += barH + gap;
  }
  const color = readingColor(r);
  body.push(
    `<text x="0" y="${y + 10}" class="ratio">ratio = ours / peer = ${esc(formatRatio(r.ratio))}` +
      ` (${r.higherIsBetter ? 'higher' : 'lower'} is better)</text>`,
    `<text x="0" y="${y + 27}" class="reading" style="fill:${color}">${r.clear === false ? '' : 'ours is '}${esc(r.reading ?? '')}` +
      `${r.clear === false ? ': the rounds disagree on which side is faster' : ''}</text>`,
  );
  const height = y + 34;
  return [
    `<svg class="chart" data-case="${esc(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(title)}: ${esc(r.reading ?? '')}">`,
    ...body,
    '</svg>',
  ].join('');
}
