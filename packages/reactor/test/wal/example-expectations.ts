/**
 * What each WAL example must print. The package's `describeExamples()` (test/examples.test.ts,
 * with the runtime's examples) should spread this map into its own; test/wal/examples.test.ts
 * runs these in the meantime.
 */
export const walExamples: Record<string, RegExp> = {
  'wal-quick-start.ts':
    /^appended seq 1, 2, 3 through (io_uring|threadpool)\n1 one\n2 two\n3 three\nreplayed 3 records, 0 torn bytes\n$/,
  'wal-torn-tail.ts': /^segment cut to 322 bytes\nrecovered 2 records, cut 50 torn bytes\nthe next append is seq 3\n$/,
  'wal-durable-state.ts': /^a=11 b=2 after seq 3\n$/,
};
