import type { Suite } from './suite.js';

/**
 * The suites with only the cases whose name contains one of `patterns` (lower-case; matched
 * case-insensitively), dropping suites left with none. No patterns: the suites as given.
 */
export function selectCases(suites: readonly Suite[], patterns: readonly string[]): Suite[] {
  if (patterns.length === 0) return [...suites];
  return suites
    .map((s) => ({ ...s, cases: s.cases.filter((c) => patterns.some((p) => c.name.toLowerCase().includes(p))) }))
    .filter((s) => s.cases.length > 0);
}
