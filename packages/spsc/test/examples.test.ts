// The examples are what the README and the docs show: run each one for real, so none can rot.
import { describeExamples } from '@corelane/shared/testing';

const expected: Record<string, RegExp> = {
  'quick-start.ts': /^sum of 1\.\.100000 = 5000050000\n$/,
  'byte-records.ts':
    /records can be up to 2040 bytes here\ngreeting: hello\ngreeting: bonjour\nfarewell: see you\nfarewell: bye\n/,
  'blocking-worker.ts': /^worker read 10000 values, total 24997500\n$/,
  'native-producer.ts': /^native thread wrote 100000 records, JS read 100000, 0 out of order\n$/,
};

describeExamples(new URL('../', import.meta.url), expected, { timeoutMs: 60_000 });
