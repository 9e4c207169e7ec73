import { describe, expect, it } from 'vitest';
import { escapeHtml, renderHtml } from '../src/harness/html.js';
import { buildReport, renderJson } from '../src/harness/json.js';
import { collectMeta } from '../src/harness/meta.js';
import type { Report } from '../src/harness/result.js';
import { runSuites } from '../src/harness/run.js';
import { renderTable } from '../src/harness/table.js';
import { mixedSuite } from './helpers.js';

const REQUIRED = ['suite', 'case', 'metric', 'unit', 'value', 'peer', 'peerValue', 'ratio', 'higherIsBetter'] as const;

async function fakeReport(): Promise<Report> {
  const results = await runSuites([mixedSuite()], { quick: true, rounds: 3 });
  const meta = collectMeta({ quick: true, rounds: 3, warmupRounds: 1, suites: ['fake'], durationMs: 12.5 });
  return buildReport(meta, results);
}

describe('JSON report', () => {
  it('has run metadata', async () => {
    const json = JSON.parse(renderJson(await fakeReport()));
    expect(json.schemaVersion).toBe(1);
    expect(json.meta).toMatchObject({ quick: true, rounds: 3, warmupRounds: 1, suites: ['fake'] });
    expect(Number.isNaN(Date.parse(json.meta.date))).toBe(false);
    expect(json.meta.node).toBe(process.version);
    expect(typeof json.meta.cpuModel).toBe('string');
    expect(json.meta.cpuCount).toBeGreaterThan(0);
  });

  it('has every required field in every result; numbers finite when measured, null with a reason when not', async () => {
    const json = JSON.parse(renderJson(await fakeReport()));
    expect(json.results).toHaveLength(3);
    for (const r of json.results) {
      for (const key of REQUIRED) expect(r, `${r.case} lacks ${key}`).toHaveProperty(key);
      expect(typeof r.suite).toBe('string');
      expect(typeof r.case).toBe('string');
      expect(typeof r.higherIsBetter).toBe('boolean');
      if (r.status === 'ok') {
        for (const key of ['value', 'peerValue', 'ratio', 'speedup']) {
          expect(Number.isFinite(r[key]), `${r.case}.${key}`).toBe(true);
          expect(r[key]).toBeGreaterThan(0);
        }
        expect(r.ratio).toBeCloseTo(r.value / r.peerValue, 12);
        expect(r.samples).toHaveLength(3);
        expect(r.peerSamples).toHaveLength(3);
        for (const s of [...r.samples, ...r.peerSamples]) expect(Number.isFinite(s)).toBe(true);
        expect(r.reason).toBeNull();
      } else {
        expect(r.value).toBeNull();
        expect(r.peerValue).toBeNull();
        expect(r.ratio).toBeNull();
        expect(typeof r.reason).toBe('string');
        expect(r.reason.length).toBeGreaterThan(0);
      }
    }
    expect(json.results.map((r: { status: string }) => r.status)).toEqual(['ok', 'skipped', 'error']);
  });
});

describe('table', () => {
  it('shows ours, the peer, the ratio and a plain reading; skipped cases with their reason', async () => {
    const table = renderTable((await fakeReport()).results);
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^suite\s+case\s+metric\s+ours\s+peer\s+peer value\s+ratio\s+reading$/);
    expect(lines).toHaveLength(5);
    // measured: ours 300, 200, 400 (median 300) vs peer 100, 150, 200 (median 150).
    expect(lines[2]).toMatch(/measured .*300 things\/s\s+the peer\s+150 things\/s\s+2\.00\s+2\.00x faster/);
    expect(lines[3]).toMatch(/skipped <one>.*skipped.*tool "x" is not installed/);
    expect(lines[4]).toMatch(/failing.*error.*boom/);
  });
});

describe('HTML report', () => {
  it('has an inline <svg> chart for every case, skipped ones included', async () => {
    const report = await fakeReport();
    const html = renderHtml(report);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    for (const r of report.results) {
      expect(html).toContain(`<svg class="chart" data-case="${escapeHtml(`${r.suite} / ${r.case}`)}"`);
    }
    expect(html.match(/<svg class="chart" data-case=/g)).toHaveLength(report.results.length);
    expect(html).toContain('ours is 2.00x faster');
  });

  it('is self-contained: no external URL, script, stylesheet, font or image', async () => {
    const html = renderHtml(await fakeReport());
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/\/\/[a-z0-9-]+\.[a-z]/i);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html).not.toMatch(/\b(src|href)=/i);
  });

  it('escapes names and reasons', async () => {
    const html = renderHtml(await fakeReport());
    expect(html).toContain('skipped &lt;one&gt;');
    expect(html).toContain('tool &quot;x&quot; is not installed &amp; never was');
    expect(html).not.toContain('<one>');
  });
});
