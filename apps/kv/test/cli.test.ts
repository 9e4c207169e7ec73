// The corelane-kv bin (dist/cli.js): it logs one line when ready, serves, and stops cleanly on
// SIGTERM, SIGINT and SHUTDOWN.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { RawClient } from './support/peers.js';
import { CLI, exitOf, startKvProcess as start } from './support/process.js';

describe('corelane-kv bin', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`logs one ready line, serves, and exits 0 on ${signal}`, async () => {
      const kv = await start();
      expect(
        kv
          .output()
          .split('\n')
          .filter((l) => l.includes('ready')),
      ).toHaveLength(1);
      const c = await RawClient.connect(kv.port);
      expect(
        (
          await c.pipeline([
            ['SET', 'a', '1'],
            ['GET', 'a'],
          ])
        ).map((r) => r.raw.toString()),
      ).toEqual(['+OK\r\n', '$1\r\n1\r\n']);
      kv.child.kill(signal);
      expect(await exitOf(kv.child)).toBe(0);
      expect(await c.waitClosed()).toBe(true);
      expect(kv.output()).toMatch(/stopped/);
    });
  }

  it('exits 0 on SHUTDOWN, closing the connection without a reply', async () => {
    const kv = await start();
    const c = await RawClient.connect(kv.port);
    c.write('SHUTDOWN\r\n');
    expect(await exitOf(kv.child)).toBe(0);
    expect(await c.waitClosed()).toBe(true);
  });

  it('--requirepass: NOAUTH until AUTH', async () => {
    const kv = await start(['--requirepass', 's3cret']);
    const c = await RawClient.connect(kv.port);
    const replies = await c.pipeline([
      ['GET', 'a'],
      ['AUTH', 'nope'],
      ['AUTH', 's3cret'],
      ['GET', 'a'],
    ]);
    expect(replies.map((r) => r.raw.toString())).toEqual([
      '-NOAUTH Authentication required.\r\n',
      '-WRONGPASS invalid username-password pair or user is disabled.\r\n',
      '+OK\r\n',
      '$-1\r\n',
    ]);
    c.close();
    kv.child.kill('SIGTERM');
    expect(await exitOf(kv.child)).toBe(0);
  });

  it('refuses a bad --port, --cores or --appendfsync, or an unknown option, with exit code 2', async () => {
    for (const args of [['--port', 'nope'], ['--cores', '0'], ['--appendfsync', 'sometimes'], ['--nope']]) {
      const child = spawn(process.execPath, [CLI, ...args], { stdio: 'ignore' });
      expect(await exitOf(child)).toBe(2);
    }
  });
});

describe('startServer() options', () => {
  it('refuses bad options with typed errors before listening', async () => {
    const { startServer } = await import('../src/server/server.js');
    await expect(startServer({ port: 70000 })).rejects.toMatchObject({
      code: 'ERR_CORELANE_OUT_OF_RANGE',
      name: 'RangeError',
    });
    await expect(startServer({ port: 1.5 })).rejects.toMatchObject({ code: 'ERR_CORELANE_OUT_OF_RANGE' });
    await expect(startServer({ port: '1' as unknown as number })).rejects.toMatchObject({
      code: 'ERR_CORELANE_INVALID_ARGUMENT',
      name: 'TypeError',
    });
    await expect(startServer({ requirepass: 5 as unknown as string })).rejects.toMatchObject({
      code: 'ERR_CORELANE_INVALID_ARGUMENT',
    });
    await expect(startServer({ maxBulkBytes: 0 })).rejects.toMatchObject({ code: 'ERR_CORELANE_OUT_OF_RANGE' });
  });
});
