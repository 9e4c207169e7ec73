import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Runtime } from '@corelane/reactor';

const dataDir = mkdtempSync(join(tmpdir(), 'durable-counter-'));
const start = () =>
  Runtime.start({
    cores: 2,
    module: new URL('./cores/durable-counter.ts', import.meta.url),
    dataDir, // core i keeps its WAL and checkpoints in <dataDir>/core-<i>
    fsync: 'always', // a reply after `await ctx.commit()` means the record is on disk
    checkpointEvery: { records: 10_000 },
  });

let runtime = await start();
await Promise.all([
  runtime.request('apples', { op: 'add', n: 3 }),
  runtime.request('pears', { op: 'add', n: 2 }),
  runtime.request('apples', { op: 'add', n: 4 }),
]);
await runtime.stop();

runtime = await start(); // every core recovers: its newest checkpoint, then its WAL after it
const apples = await runtime.request('apples', { op: 'get' });
const pears = await runtime.request('pears', { op: 'get' });
console.log(`apples = ${apples}, pears = ${pears} after a restart`);
await runtime.stop();
rmSync(dataDir, { recursive: true, force: true });
