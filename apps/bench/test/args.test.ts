import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../src/harness/args.js';

const known = ['affinity', 'spsc', 'uring'];

describe('arguments', () => {
  it('defaults to a full run of every suite with default output files', () => {
    expect(parseArgs([], known)).toEqual({
      help: false,
      list: false,
      quick: false,
      filter: [],
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
