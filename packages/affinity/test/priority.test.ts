import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { runWorker } from '@corelane/shared/testing';
import { describe, expect, it } from 'vitest';
import { setThreadPriority, threadPriority } from '../src/index.js';

describe('setThreadPriority', () => {
  it("policy 'other' with a nice value changes the calling worker only, as the kernel reports", async () => {
    const mainBefore = threadPriority();
    const report = await runWorker<{ after: unknown; statNice: number }>(
      new URL('./workers/nice-worker.mjs', import.meta.url),
      { nice: 7 },
    );
    expect(report.after).toEqual({ policy: 'other', priority: 0, nice: 7 });
    expect(report.statNice).toBe(7);
    expect(threadPriority()).toEqual(mainBefore);
  });

  // Each case is refused before any system call: the thread's scheduling stays as it was.
  const bad: [string, unknown, typeof TypeError | typeof RangeError, string][] = [
    ['no options', undefined, TypeError, 'ERR_CORELANE_INVALID_ARGUMENT'],
    ['an unknown policy', { policy: 'batch' }, RangeError, 'ERR_CORELANE_OUT_OF_RANGE'],
    ['a numeric policy', { policy: 1 }, TypeError, 'ERR_CORELANE_INVALID_ARGUMENT'],
    ['fifo without priority', { policy: 'fifo' }, TypeError, 'ERR_CORELANE_INVALID_ARGUMENT'],
    ['fifo priority 0', { policy: 'fifo', priority: 0 }, RangeError, 'ERR_CORELANE_OUT_OF_RANGE'],
    ['rr priority 100', { policy: 'rr', priority: 100 }, RangeError, 'ERR_CORELANE_OUT_OF_RANGE'],
    ['fifo priority 1.5', { policy: 'fifo', priority: 1.5 }, RangeError, 'ERR_CORELANE_OUT_OF_RANGE'],
    ['fifo with nice', { policy: 'fifo', priority: 1, nice: 0 }, RangeError, 'ERR_CORELANE_OUT_OF_RANGE'],
    ['other with a priority', { policy: 'other', priority: 5 }, RangeError, 'ERR_CORELANE_OUT_OF_RANGE'],
    ['nice 20', { policy: 'other', nice: 20 }, RangeError, 'ERR_CORELANE_OUT_OF_RANGE'],
    ['nice NaN', { policy: 'other', nice: Number.NaN }, RangeError, 'ERR_CORELANE_OUT_OF_RANGE'],
  ];
  it.each(bad)('%s throws a typed error and changes nothing', (_label, options, errorClass, code) => {
    const before = threadPriority();
    expect(() => setThreadPriority(options as never)).toThrow(errorClass);
    try {
      setThreadPriority(options as never);
    } catch (error) {
      expect(error).toMatchObject({ code });
    }
    expect(threadPriority()).toEqual(before);
  });

  it('EPERM/EACCES is ERR_CORELANE_PERMISSION, never a silent no-op (run as an unprivileged user)', () => {
    // As root the kernel would allow it, so the check runs in a child process that gives up
    // root itself (setgroups, setgid, setuid to `nobody`) once it has loaded the package and its
    // addon: the checkout may sit where `nobody` cannot read (a clone in /root, a 0700 temp
    // folder), so the child must not be started as `nobody`. setuid() from root to a non-zero
    // uid clears every capability, and RLIMIT_RTPRIO is 0: the real-time request is refused by
    // the kernel, and no thread is ever raised (the child exits first if it could be).
    const entry = new URL('../dist/index.js', import.meta.url).href;
    const script = `
      import { readFileSync } from 'node:fs';
      import { capabilities, setThreadPriority, threadPriority } from ${JSON.stringify(entry)};
      if (process.getuid() === 0) { process.setgroups([]); process.setgid(65534); process.setuid(65534); }
      const capEff = /^CapEff:\\s*(\\w+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))[1];
      const refusal = (request) => {
        try { setThreadPriority(request); return 'none'; }
        catch (e) { return { code: e.code, errno: e.errno, errnoName: e.errnoName, syscall: e.syscall }; }
      };
      const realtime = capabilities().realtimePriority.supported;
      if (realtime) { console.log(JSON.stringify({ realtime })); process.exit(0); }
      console.log(JSON.stringify({
        unprivileged: process.getuid() !== 0 && BigInt('0x' + capEff) === 0n,
        realtime,
        fifo: refusal({ policy: 'fifo', priority: 1 }),
        rr: refusal({ policy: 'rr', priority: 1 }),
        raiseNice: refusal({ policy: 'other', nice: -5 }),
        after: threadPriority(),
      }));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      cwd: tmpdir(),
      timeout: 20_000,
    });
    expect(child.error).toBeUndefined();
    expect(child.stderr).toBe('');
    // The error shape of every package: errno negative (as node:fs), errnoName beside it.
    const refused = (syscall: string, errno: number, errnoName: string) => ({
      code: 'ERR_CORELANE_PERMISSION',
      errno,
      errnoName,
      syscall,
    });
    expect(JSON.parse(child.stdout)).toEqual({
      unprivileged: true,
      realtime: false,
      fifo: refused('sched_setscheduler', -1, 'EPERM'),
      rr: refused('sched_setscheduler', -1, 'EPERM'),
      raiseNice: refused('setpriority', -13, 'EACCES'), // setpriority(2): lowering nice is EACCES
      after: { policy: 'other', priority: 0, nice: 0 },
    });
  });
});
