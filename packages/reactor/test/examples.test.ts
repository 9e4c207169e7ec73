// The examples are what the README and the docs show: run each one for real, so none can rot.
import { describeExamples } from '@corelane/shared/testing';
import { walExamples } from './wal/example-expectations.js';

const expected: Record<string, RegExp> = {
  'quick-start.ts': /^user:42 = 3, on core [01] of 2\n\[ 'pong from core 0', 'pong from core 1' \]\n$/,
  'word-count.ts': /^11 words\nthe: 3 \(core [01]\)\nfox: 1 \(core [01]\)\nend: 1 \(core [01]\)\n$/,
  'stats-and-restart.ts':
    /core 1 restarted on CPU \d+ \(1x\): the thread exited with code 1\n[\s\S]*│ restarts │[\s\S]*requests: 2, p50 [\d.]+ ms, p99 [\d.]+ ms\n$/,
  'durable-counter.ts': /^apples = 7, pears = 2 after a restart\n$/,
  'shared-map.ts':
    /^welcome back, ada\nada: core [01], 2 login\(s\)\nalan: core [01], 1 login\(s\)\ngrace: core [01], 1 login\(s\)\n$/,
  ...walExamples,
};

describeExamples(new URL('../', import.meta.url), expected);
