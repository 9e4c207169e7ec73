// What a core owns besides its rings: timers on its wheel, sockets (reusePort), its io ring.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type AddressInfo, connect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@corelane/shared/testing';
import { describe, expect, it } from 'vitest';
import { Runtime } from '../dist/index.js';
import { listen, reusePortSupported } from '../src/core/listen.js';
import { LAB, withLab } from './helpers/lab.js';

function ask(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    const socket = connect(port, '127.0.0.1');
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      data += chunk;
    });
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}

describe('core services', () => {
  it('timers: one-shots fire in delay order, a cancelled one never, an interval until cancelled', async () => {
    await withLab({ cores: 2, idle: 'park' }, async (rt) => {
      const delays = [30, 5, 17, 1, 60, 0, 5];
      const report = (await rt.requestTo(1, { op: 'timers', delays, cancel: 2 })) as {
        order: number[];
        ticks: number;
        size: number;
      };
      const expected = delays
        .map((d, i) => ({ d, i }))
        .filter(({ i }) => i !== 2)
        .sort((a, b) => a.d - b.d || a.i - b.i)
        .map(({ i }) => i);
      expect(report.order).toEqual(expected);
      expect(report.ticks).toBe(3);
      expect(report.size).toBe(0);
      expect(rt.stats().cores[1]?.timersFired).toBeGreaterThanOrEqual(9);
    });
  }, 30_000);

  it('listen() names the Nodes and platforms where reusePort works (elsewhere it throws ERR_CORELANE_UNSUPPORTED)', () => {
    expect(reusePortSupported('22.11.0', 'linux')).toBe(false);
    expect(reusePortSupported('22.12.0', 'linux')).toBe(true);
    expect(reusePortSupported('23.0.0', 'linux')).toBe(false);
    expect(reusePortSupported('23.1.0', 'linux')).toBe(true);
    expect(reusePortSupported('24.0.0', 'linux')).toBe(true);
    expect(reusePortSupported('24.0.0', 'darwin')).toBe(false);
    // This test runs on one where it works (the test below listens).
    expect(reusePortSupported(process.versions.node, process.platform)).toBe(true);
  });

  it('where reusePort is missing, a runtime of one core listens plainly; of two, listen() throws ERR_CORELANE_UNSUPPORTED first', async () => {
    const servers = new Set<Server>();
    const refused = () => listen(servers, 2, { port: 0, host: '127.0.0.1' }, () => {}, false);
    expect(refused).toThrow(expect.objectContaining({ code: 'ERR_CORELANE_UNSUPPORTED' }));
    expect(servers.size).toBe(0); // refused before a server was made
    const server = await listen(servers, 1, { port: 0, host: '127.0.0.1' }, (socket) => socket.end('plain\n'), false);
    try {
      expect(servers.size).toBe(1);
      const { port } = server.address() as AddressInfo;
      expect((await ask(port)).trim()).toBe('plain');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(servers.size).toBe(0);
  });

  it('two cores listen on one port with reusePort and both accept connections', async () => {
    await withLab({ cores: 2 }, async (rt) => {
      const port = await freePort();
      expect(await rt.broadcast({ op: 'listen', port })).toEqual([port, port]);
      const seen = new Set<string>();
      // The kernel spreads connections by a hash of the peer's address and port: within a few
      // hundred connections both cores get some (bounded: the test fails if one never does).
      for (let i = 0; i < 400 && seen.size < 2; i++) seen.add((await ask(port)).trim());
      expect([...seen].sort()).toEqual(['core 0', 'core 1']);
    });
  }, 60_000);

  it('stop(): everything sent before it is handled, onStop runs, then calls throw ERR_CORELANE_CLOSED', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reactor-stop-'));
    try {
      const stopFile = join(dir, 'stopped');
      const rt = await Runtime.start({ module: LAB, cores: 2, data: { stopFile } });
      const next = new Map<string, number>();
      let sent = 0;
      for (let i = 0; i < 50_000; i++) {
        const key = `s${i % 17}`;
        const ks = next.get(key) ?? 0;
        next.set(key, ks + 1);
        rt.send(key, { op: 'rec', seq: i, ks });
        sent++;
      }
      const slow = rt.request('k', { op: 'sleep', ms: 100 });
      const stopping = rt.stop();
      expect(() => rt.send('k', 1)).toThrow(expect.objectContaining({ code: 'ERR_CORELANE_CLOSED' }));
      expect(() => rt.request('k', 1)).toThrow(expect.objectContaining({ code: 'ERR_CORELANE_CLOSED' }));
      expect(await slow).toBe(rt.owner('k'));
      await stopping;
      await rt.stop(); // idempotent
      let handled = 0;
      for (let core = 0; core < 2; core++) {
        expect(existsSync(`${stopFile}.${core}`)).toBe(true);
        handled += (JSON.parse(readFileSync(`${stopFile}.${core}`, 'utf8')) as { received: number }).received;
      }
      expect(handled).toBe(sent);
      expect(() => rt.broadcast(1)).toThrow(expect.objectContaining({ code: 'ERR_CORELANE_CLOSED' }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('ctx.io is an IoRing of the core', async () => {
    await withLab({ cores: 1 }, async (rt) => {
      const info = (await rt.requestTo(0, { op: 'io' })) as { backend: string; bytes: number };
      expect(['io_uring', 'threadpool']).toContain(info.backend);
      expect(info.bytes).toBeGreaterThan(0);
    });
  }, 30_000);
});
