// The examples are what the README and the docs show: run each one for real, so none can rot.
import { describeExamples } from '@corelane/shared/testing';

const expected: Record<string, RegExp> = {
  'quick-start.ts': /^read "hello, io_uring" through io_uring\n$/,
  'batch.ts': /^submitted 6 operations in one call\n3 records durable, 19 bytes\n$/,
  'quiet-links.ts':
    /^wrote 6 bytes, durable: true\nwrote 7 bytes, durable: true\nwrote 6 bytes, durable: true\nEBADF, ECANCELED\n$/,
  'link-timeout.ts': /^timeout expired: true\nread: ECANCELED\n$/,
  'cancel.ts': /^aborted: ERR_CORELANE_CANCELLED\nclosed: ERR_CORELANE_CANCELLED\n$/,
  'capabilities.ts': /^backend: io_uring \(io_uring_queue_init works here\)\n[\s\S]*fallback ring: threadpool/,
  'workers.ts': /^worker 0: 4096 bytes of 1 through io_uring\n[\s\S]*worker 3: 4096 bytes of 4 through io_uring\n$/,
};

describeExamples(new URL('../', import.meta.url), expected, { env: { ...process.env, CORELANE_URING: '' } });
