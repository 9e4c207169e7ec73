// capabilities() and IoRing.info say which backend runs and why; the fallbacks are chosen as
// documented (CORELANE_URING=off, backend option), and the setup flags asked for are reported.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { capabilities, IoRing } from '../src/index.js';

const root = new URL('../', import.meta.url);

function inChild(code: string, env: Record<string, string>): unknown {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return JSON.parse(out);
}

describe('capabilities()', () => {
  it('reports io_uring on this machine (the kernel allows it), with the reason', () => {
    const caps = capabilities();
    expect(caps.platform).toBe('linux');
    expect(caps.builtWithLiburing).toBe(true);
    expect(caps.ioUring).toEqual({ supported: true, reason: 'io_uring_queue_init works here' });
    expect(caps.threadpool.supported).toBe(true);
    expect(caps.backend).toBe(process.env.CORELANE_URING === 'off' ? 'threadpool' : 'io_uring');
  });

  it('CORELANE_URING=off makes backend "auto" the thread pool, and says so', () => {
    const result = inChild(
      `import { capabilities, IoRing } from '@corelane/uring';
       const ring = new IoRing();
       const out = { caps: capabilities(), info: ring.info };
       ring.close();
       console.log(JSON.stringify(out));`,
      { CORELANE_URING: 'off' },
    );
    expect(result).toMatchObject({
      caps: { backend: 'threadpool', reason: 'CORELANE_URING=off', ioUring: { supported: true } },
      info: { backend: 'threadpool', reason: 'CORELANE_URING=off; thread pool of 4', setupFlags: [] },
    });
  });

  it('an explicit backend wins over the environment', () => {
    const ring = new IoRing({ backend: 'threadpool', threads: 2 });
    expect(ring.info).toMatchObject({
      backend: 'threadpool',
      reason: "backend: 'threadpool' was asked for; thread pool of 2",
    });
    ring.close();
  });
});

describe('io_uring setup flags', () => {
  it('a default ring gets SINGLE_ISSUER and DEFER_TASKRUN from this kernel', () => {
    const ring = new IoRing({ backend: 'io_uring' });
    expect(ring.info.setupFlags).toEqual(['SINGLE_ISSUER', 'DEFER_TASKRUN']);
    expect(ring.info.refused).toBe('');
    expect(ring.info.features).toBeGreaterThan(0);
    ring.close();
  });

  it.each([
    [{ deferTaskrun: false, singleIssuer: false }, []],
    [{ deferTaskrun: false, coopTaskrun: true }, ['COOP_TASKRUN', 'SINGLE_ISSUER']],
    [{ sqpoll: { idleMs: 50 } }, ['SQPOLL', 'SINGLE_ISSUER']],
  ] as const)('%o runs I/O with flags %o', async (options, flags) => {
    const ring = new IoRing({ backend: 'io_uring', ...options });
    expect(ring.info.setupFlags).toEqual(flags);
    const fd = await ring.open(process.execPath, 'r');
    const head = Buffer.alloc(4);
    expect(await ring.read(fd, head, 0)).toBe(4);
    expect(head.toString('latin1')).toBe('\x7fELF');
    await ring.timeout(1);
    await ring.closeFile(fd);
    ring.close();
  });

  it('SQPOLL: a batch larger than the submission queue waits for the kernel thread; no op fails', async () => {
    // The kernel thread takes SQEs in its own time, so a submit can leave the queue full.
    const ring = new IoRing({ backend: 'io_uring', sqpoll: { idleMs: 0 }, entries: 4 });
    for (let round = 0; round < 10; round++) {
      const batch = ring.batch();
      const ops: Promise<unknown>[] = [];
      for (let i = 0; i < 50; i++) {
        ops.push(batch.timeout(0, { link: true }), batch.timeout(0, { link: true }), batch.timeout(0));
      }
      expect(batch.submit()).toBe(150);
      const settled = await Promise.allSettled(ops);
      // Each chain: the first expired timeout (ETIME) resolves and breaks the link.
      const outcomes = settled.map((s) => (s.status === 'fulfilled' ? 'ok' : (s.reason as { code: string }).code));
      expect(outcomes).toEqual(Array.from({ length: 50 }, () => ['ok', 'ECANCELED', 'ECANCELED']).flat());
    }
    ring.close();
  });
});
