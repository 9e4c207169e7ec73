import type { BenchCase, CaseRun, Suite } from '../src/harness/suite.js';
import { defineSuite, unavailable } from '../src/harness/suite.js';

/** A case whose sides return the given values in turn and record every call in `calls`. */
export function fakeCase(
  name: string,
  calls: string[],
  values: { ours: number[]; peer: number[] },
  extra: Partial<BenchCase> = {},
): BenchCase {
  let a = 0;
  let b = 0;
  return {
    name,
    metric: 'things',
    unit: 'things/s',
    higherIsBetter: true,
    peer: 'the peer',
    budgetMs: { quick: 2_000, full: 2_000 },
    setup: (): CaseRun => {
      calls.push(`${name}:setup`);
      return {
        ours: async () => {
          calls.push(`${name}:A`);
          return values.ours[a++ % values.ours.length] as number;
        },
        peer: async () => {
          calls.push(`${name}:B`);
          return values.peer[b++ % values.peer.length] as number;
        },
        teardown: () => {
          calls.push(`${name}:teardown`);
        },
      };
    },
    ...extra,
  };
}

/** A suite with one measured, one skipped and one failing case. */
export function mixedSuite(calls: string[] = []): Suite {
  return defineSuite({
    name: 'fake',
    description: 'fake cases',
    cases: [
      fakeCase('measured', calls, { ours: [100, 300, 200, 400], peer: [50, 100, 150, 200] }),
      {
        name: 'skipped <one>',
        metric: 'cost',
        unit: 'ns/op',
        higherIsBetter: false,
        peer: 'missing tool',
        setup: () => unavailable('tool "x" is not installed & never was'),
      },
      fakeCase(
        'failing',
        calls,
        { ours: [1], peer: [1] },
        {
          setup: () => ({
            ours: async () => {
              throw new Error('boom');
            },
            peer: async () => 1,
          }),
        },
      ),
    ],
  });
}
