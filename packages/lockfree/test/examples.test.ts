// The examples are what the README and the docs show: run each one for real, so none can rot.
import { describeExamples } from '@corelane/shared/testing';

const expected: Record<string, RegExp> = {
  'quick-start.ts': /^hits = 20000, keys = 3\n$/,
  'zero-copy.ts':
    /^shards = 4\nswapped: true\nswapped again with the stale value: false\nstring key \/ byte key, size 3\n( {2}(config|a|\[97\]): \d+ bytes\n){3}$/,
  'epochs.ts': /^while the reader is pinned: freed \[\]\nafter it unpinned: freed \[4096\]\n$/,
};

describeExamples(new URL('../', import.meta.url), expected);
