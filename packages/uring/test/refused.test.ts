// The io_uring-refused path for real: a launcher compiled here installs a seccomp filter that
// makes io_uring_setup(2) fail (EPERM, as Docker's default profile; ENOSYS, as a kernel
// without io_uring or gVisor), then runs node. Without CORELANE_URING=off or a backend option,
// capabilities() must report the thread pool and why, and the same API must do real I/O.
import { execFileSync } from 'node:child_process';
import { constants } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers/files.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const dir = tempDir();
const launcher = join(dir, 'deny-io-uring');

beforeAll(() => {
  // The system C compiler is already a build requirement (node-gyp).
  execFileSync(process.env.CC ?? 'cc', [
    '-O2',
    '-Wall',
    '-Werror',
    '-o',
    launcher,
    join(root, 'test/fixtures/deny-io-uring.c'),
  ]);
});

function underSeccomp(errno: 'EPERM' | 'ENOSYS'): Record<string, unknown> {
  const { CORELANE_URING: _ignored, ...env } = process.env;
  const out = execFileSync(launcher, [errno, process.execPath, join(root, 'test/fixtures/refused-child.mjs'), dir], {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return JSON.parse(out) as Record<string, unknown>;
}

describe.each(['EPERM', 'ENOSYS'] as const)('io_uring_setup refused with %s by seccomp', (errno) => {
  let result: Record<string, unknown>;
  beforeAll(() => {
    result = underSeccomp(errno);
  });

  it('capabilities() reports the thread pool, and the refusal as the reason', () => {
    const reason = `io_uring_queue_init failed with ${errno} (seccomp, kernel.io_uring_disabled or no io_uring in this kernel)`;
    expect(result.caps).toEqual({
      backend: 'threadpool',
      reason,
      ioUring: { supported: false, reason },
      threadpool: { supported: true, reason: 'native thread pool running blocking system calls' },
      builtWithLiburing: true,
      platform: 'linux',
    });
    expect(result.info).toEqual({
      backend: 'threadpool',
      reason: `${reason}; thread pool of 4`,
      setupFlags: [],
      refused: '',
      features: 0,
    });
  });

  it('the default ring does real I/O on the thread pool: linked writes, fdatasync, reads, EOF, statx', () => {
    expect(result.written).toEqual([1, 511, 4096, 70_001]);
    expect(result.read).toBe(1 + 511 + 4096 + 70_001);
    expect(result.readSha).toBe(result.wantSha);
    expect(result.fileSha).toBe(result.wantSha);
    expect(result.eof).toBe(0);
    expect(result.size).toBe(3 + 1 + 511 + 4096 + 70_001);
  });

  it("backend: 'io_uring' throws with the errno the kernel gave", () => {
    expect(result.demanded).toEqual({
      code: errno === 'EPERM' ? 'ERR_CORELANE_PERMISSION' : 'ERR_CORELANE_SYSTEM',
      errno: -constants.errno[errno],
      errnoName: errno,
    });
  });
});
