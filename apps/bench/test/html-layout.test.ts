// The HTML report's layout, computed as the charts draw it: tick labels that never overlap at
// any span of decades, row labels that fit their column and keep every character, no cut text.
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../src/harness/html.js';
import { caseChart } from '../src/harness/html-case.js';
import { SUMMARY, summaryLayout, tickLabel } from '../src/harness/html-summary.js';
import type { CaseResult, Report } from '../src/harness/result.js';
import { textWidth, wrapText } from '../src/harness/svg-text.js';

const LONG_PEER =
  'murmurhash3js-revisited x86.hash32(key) % 12 (strings: UTF-8 encoded first), a peer with a long name';

function result(name: string, speedup: number, extra: Partial<CaseResult> = {}): CaseResult {
  return {
    suite: 'router',
    case: name,
    metric: 'cost per key',
    unit: 'ns/key',
    ours: 'partition(key, 12)',
    peer: LONG_PEER,
    higherIsBetter: false,
    status: 'ok',
    reason: null,
    value: 10 / speedup,
    peerValue: 10,
    ratio: 1 / speedup,
    speedup,
    reading: `${speedup}x`,
    clear: true,
    samples: [10 / speedup],
    peerSamples: [10],
    roundRatios: [1 / speedup],
    stats: null,
    description: null,
    weakPeer: null,
    elapsedMs: 1,
    budgetMs: 1,
    ...extra,
  };
}

/** A summary with speedups up to 10^span either way, and labels from short to very long. */
function results(span: number): CaseResult[] {
  return [
    result('a', 10 ** span),
    result('b', 10 ** -span),
    result('partition, 256 B keys, vs murmurhash3js-revisited', 1.5),
    result('Router throughput, short string keys + 32 B, 2 consumer threads, vs postMessage batched', 0.7),
    result('a_case_name_without_any_space_that_is_far_too_long_for_one_line_of_the_label_column_at_all', 2),
  ];
}

describe('summary chart layout', () => {
  it.each([1, 2, 3, 4, 5, 6, 8])('tick labels do not overlap and stay inside the chart, spanning 10^±%i', (span) => {
    const layout = summaryLayout(results(span));
    const shown = layout.ticks.filter((t) => t.label !== null);
    expect(shown.map((t) => t.k)).toContain(0);
    expect(shown.length).toBeGreaterThanOrEqual(3); // 1x and at least one decade each way
    for (let i = 1; i < shown.length; i++) {
      const left = shown[i - 1] as (typeof shown)[number];
      const right = shown[i] as (typeof shown)[number];
      expect(right.x - right.labelWidth / 2 - (left.x + left.labelWidth / 2)).toBeGreaterThanOrEqual(SUMMARY.tickGap);
    }
    for (const t of shown) {
      expect(t.x - t.labelWidth / 2).toBeGreaterThanOrEqual(0);
      expect(t.x + t.labelWidth / 2).toBeLessThanOrEqual(layout.width);
    }
  });

  it('every row label fits its column on every line, keeps all its characters, and rows do not overlap', () => {
    const layout = summaryLayout(results(3));
    const room = SUMMARY.labelW - SUMMARY.labelGap - SUMMARY.labelX;
    let bottom = 0;
    for (const row of layout.rows) {
      for (const line of row.lines) expect(textWidth(line, SUMMARY.labelFont)).toBeLessThanOrEqual(room);
      expect(row.lines.join('').replaceAll(' ', '')).toBe(row.label.replaceAll(' ', ''));
      expect(row.height).toBeGreaterThanOrEqual(row.lines.length * SUMMARY.lineH);
      expect(row.y).toBeGreaterThanOrEqual(bottom);
      bottom = row.y + row.height;
    }
    expect(layout.rows.map((r) => r.lines.length).slice(0, 2)).toEqual([1, 1]);
    expect(layout.rows[4]?.lines.length).toBeGreaterThanOrEqual(2); // no space to break at: split
  });

  it('labels each decade up to 1000x in full, then as powers of ten', () => {
    expect([-4, -3, -1, 0, 1, 3, 4, 12].map(tickLabel)).toEqual([
      '1/10⁴x',
      '1/1000x',
      '1/10x',
      '1x',
      '10x',
      '1000x',
      '10⁴x',
      '10¹²x',
    ]);
  });
});

describe('wrapText', () => {
  it('breaks at spaces, splits a word only when it alone is too wide, and drops nothing', () => {
    expect(wrapText('short', 100, 12)).toEqual(['short']);
    expect(wrapText('', 100, 12)).toEqual(['']);
    const text = 'hashBatch(packKeys(keys), out) vs Rust fxhash 0.2.1: out[i] = hash64(&key i)';
    for (const width of [40, 80, 120, 300]) {
      const lines = wrapText(text, width, 12);
      for (const line of lines) expect(textWidth(line, 12)).toBeLessThanOrEqual(width);
      expect(lines.join('').replaceAll(' ', '')).toBe(text.replaceAll(' ', ''));
    }
  });
});

describe('the page', () => {
  const report: Report = {
    schemaVersion: 1,
    meta: {
      date: '2026-12-01T00:00:00.000Z',
      node: 'v24',
      v8: '13',
      platform: 'linux',
      arch: 'x64',
      kernel: '6',
      cpuModel: 'cpu',
      cpuCount: 2,
      availableParallelism: 2,
      quick: true,
      rounds: 3,
      warmupRounds: 1,
      suites: ['router'],
      durationMs: 1,
    },
    results: [
      ...results(4),
      result('noisy', 1.1, { clear: false, reading: 'no clear difference' }),
      result('skipped', 1, {
        status: 'skipped',
        value: null,
        peerValue: null,
        ratio: null,
        speedup: null,
        reading: null,
        clear: null,
        reason: `needs a tool: ${'a very long reason '.repeat(12)}`,
      }),
    ],
  };
  const html = renderHtml(report);

  it('cuts no text: no ellipsis, and every name and case is there in full (tooltip and table)', () => {
    expect(html).not.toMatch(/…<\/(text|tspan|td)>/); // the old charts cut labels with an ellipsis
    for (const r of report.results) {
      expect(html).toContain(`<title>${r.suite} / ${r.case}:`);
      expect(html).toContain(`<td>${r.case}</td>`);
    }
    expect(html).toContain(`<title>${LONG_PEER}:`);
    expect(html).toContain(`<td>${LONG_PEER}</td>`);
  });

  it('marks a case with a weak peer, in the summary, the table and the case, with the reason', () => {
    const weak = result('pin a thread', 600, { weakPeer: 'a child process: most of its cost is the spawn' });
    const page = renderHtml({ ...report, results: [weak, result('fair', 2)] });
    expect(page).toContain('600x*</text>');
    expect(page).toContain('(weak peer: a child process: most of its cost is the spawn)');
    expect(page).toContain('<p class="weak">A weak peer: a child process: most of its cost is the spawn</p>');
    expect(page).toContain('* a weak peer');
    expect(html).not.toContain('weak peer'); // no case of the other report has one
  });

  it('greys a case whose rounds disagree, and says so', () => {
    const noisy = caseChart(report.results[5] as CaseResult);
    expect(noisy).toContain('no clear difference: the rounds disagree on which side is faster');
    expect(noisy).toContain('fill:#6b7280');
  });

  it("wraps a skipped case's reason over lines instead of cutting it", () => {
    const chart = caseChart(report.results[6] as CaseResult);
    const lines = [...chart.matchAll(/<tspan[^>]*>([^<]*)<\/tspan>/g)].map((m) => m[1]);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.join('').replaceAll(' ', '')).toBe((report.results[6]?.reason ?? '').replaceAll(' ', ''));
  });
});
