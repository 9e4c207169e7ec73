import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../src/harness/args.js';
import { selectCases } from '../src/harness/select.js';
import type { BenchCase, Suite } from '../src/harness/suite.js';

const known = ['affinity', 'spsc', 'uring'];

describe('arguments', () => {
  it('defaults to a full run of every suite with default output files', () => {
    expect(parseArgs([], known)).toEqual({
      help: false,
      list: false,
      quick: false,
      filter: [],
      cases: [],
      rounds: null,
      json: null,
      html: null,
    });
  });

  it('reads --quick, --json, --html and --rounds, with a space or =', () => {
    expect(parseArgs(['--quick', '--json', 'out.json', '--html=r.html', '--rounds', '5'], known)).toMatchObject({
      quick: true,
      json: 'out.json',
      html: 'r.html',
      rounds: 5,
    });
  });

  it('takes --filter repeated or comma-separated, in order, without duplicates', () => {
    expect(parseArgs(['--filter', 'uring'], known).filter).toEqual(['uring']);
    expect(parseArgs(['--filter', 'uring,affinity', '--filter', 'spsc', '--filter=uring'], known).filter).toEqual([
      'uring',
      'affinity',
      'spsc',
    ]);
  });

  it('takes --case repeated, lower-cased, and rejects an empty one', () => {
    expect(parseArgs(['--case', 'Replay', '--case=x1 always'], known).cases).toEqual(['replay', 'x1 always']);
    expect(() => parseArgs(['--case', ' '], known)).toThrow(/--case needs part of a case name/);
  });

  it('--case keeps only the matching cases, and drops suites left with none', () => {
    const c = (name: string): BenchCase => ({
      name,
      metric: 'm',
      unit: 'ops/s',
      higherIsBetter: true,
      peer: 'p',
      setup: () => ({ ours: async () => 1, peer: async () => 1 }),
    });
    const suites: Suite[] = [
      { name: 'wal', description: '', cases: [c('replay 128B'), c('4k appends x1')] },
      { name: 'uring', description: '', cases: [c('reads depth 1')] },
    ];
    expect(selectCases(suites, []).map((s) => s.cases.length)).toEqual([2, 1]);
    const only = selectCases(suites, ['replay', 'nothing']);
    expect(only.map((s) => [s.name, s.cases.map((x) => x.name)])).toEqual([['wal', ['replay 128B']]]);
    expect(suites[0]?.cases).toHaveLength(2); // the suites given are not changed
  });

  it('rejects an unknown suite, listing the known ones', () => {
    expect(() => parseArgs(['--filter', 'nope'], known)).toThrow(UsageError);
    expect(() => parseArgs(['--filter', 'affinity,nope'], known)).toThrow(
      'unknown suite "nope"; known suites: affinity, spsc, uring',
    );
    expect(() => parseArgs(['--filter', ','], known)).toThrow(/known suites: affinity, spsc, uring/);
  });

  it('rejects unknown options, stray arguments, bad rounds and empty file names', () => {
    expect(() => parseArgs(['--fast'], known)).toThrow(UsageError);
    expect(() => parseArgs(['affinity'], known)).toThrow(/unexpected argument/);
    expect(() => parseArgs(['--json'], known)).toThrow(UsageError);
    expect(() => parseArgs(['--json='], known)).toThrow(/needs a file name/);
    for (const bad of ['0', '-1', '1.5', 'x']) expect(() => parseArgs(['--rounds', bad], known)).toThrow(UsageError);
  });

  it('accepts --help, -h, --list, and a leading -- from pnpm', () => {
    expect(parseArgs(['--help'], known).help).toBe(true);
    expect(parseArgs(['-h'], known).help).toBe(true);
    expect(parseArgs(['--list'], known).list).toBe(true);
    expect(parseArgs(['--', '--quick'], known).quick).toBe(true);
  });
});
