// The examples are what the README and the docs show: run each one for real, so none can rot.
import { describeExamples } from '@corelane/shared/testing';

const expected: Record<string, RegExp> = {
  'quick-start.ts': /pinned to CPU (\d+), running on CPU \1\n/,
  'pin-workers.ts': /core 0: pinned to CPU (\d+), running on CPU \1\n/,
  'placement.ts': /spread, all CPUs: \[/,
  'priority.ts': /worker now runs at nice 10\n/,
  'capabilities.ts': /supported: true \(linux\)\npinThread: yes/,
};

describeExamples(new URL('../', import.meta.url), expected);
