// One Wal per directory: a second open, in this process or another, rejects with
// ERR_CORELANE_WAL_LOCKED; the lock goes with close() and with the process (a SIGKILLed writer
// must not block its restart).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { Wal } from '../../src/wal/index.js';
import { backendEnv, backends, LineChild, payload, readPayload, tempDir } from './helpers.js';

const writer = fileURLToPath(new URL('./fixtures/writer.mjs', import.meta.url));

describe.each(backends)('directory lock (%s)', (backend) => {
  it('refuses a second open in the same process until the first is closed', async () => {
    const dir = join(tempDir(), 'log');
    const first = await Wal.open(dir, { backend });
    expect(await first.append(payload(1, 0))).toBe(1);
    await expect(Wal.open(dir, { backend })).rejects.toMatchObject({ code: 'ERR_CORELANE_WAL_LOCKED' });
    // The refused open touched nothing: the first keeps appending in sequence.
    expect(await first.append(payload(1, 1))).toBe(2);
    await first.close();
    const second = await Wal.open(dir, { backend });
    expect(second.lastSeq).toBe(2);
    const seen: number[] = [];
    await second.replay(({ seq, data }) => {
      expect(readPayload(data)).toEqual({ tag: 1, counter: seq - 1 });
      seen.push(seq);
    });
    expect(seen).toEqual([1, 2]);
    await second.close();
  });

  it('refuses an open while a worker thread holds the log, and frees it when the worker is terminated', async () => {
    const dir = join(tempDir(), 'log');
    const worker = new Worker(
      `import { parentPort, workerData } from 'node:worker_threads';
       const { Wal } = await import('@corelane/reactor/wal');
       const wal = await Wal.open(workerData.dir, { backend: workerData.backend });
       parentPort.postMessage(await wal.append(new Uint8Array([1, 2, 3])));
       setInterval(() => {}, 1000); // holds the log until terminated`,
      { eval: true, workerData: { dir, backend } },
    );
    try {
      const seq = await new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      expect(seq).toBe(1);
      await expect(Wal.open(dir, { backend })).rejects.toMatchObject({ code: 'ERR_CORELANE_WAL_LOCKED' });
    } finally {
      await worker.terminate();
    }
    const wal = await Wal.open(dir, { backend });
    expect(wal.lastSeq).toBe(1);
    await wal.close();
  });

  it('refuses an open while another process holds the log, and frees it when that process is SIGKILLed', async () => {
    const dir = join(tempDir(), 'log');
    const child = new LineChild(writer, [dir, '7', '4'], backendEnv(backend));
    try {
      await child.waitFor((lines) => lines.some((l) => l.startsWith('ack ')));
      await expect(Wal.open(dir, { backend })).rejects.toMatchObject({ code: 'ERR_CORELANE_WAL_LOCKED' });
      expect((await child.kill()).signal).toBe('SIGKILL');
    } finally {
      if (child.exitCode === null) await child.kill();
    }
    const acked = child.lines.filter((l) => l.startsWith('ack ')).map((l) => Number(l.split(' ')[1]));
    const wal = await Wal.open(dir, { backend });
    try {
      expect(wal.lastSeq).toBeGreaterThanOrEqual(Math.max(...acked));
      let records = 0;
      await wal.replay(({ seq, data }) => {
        expect(readPayload(data)?.tag).toBe(7);
        expect(seq).toBe(++records);
      });
      expect(records).toBe(wal.lastSeq);
    } finally {
      await wal.close();
    }
  });
});
