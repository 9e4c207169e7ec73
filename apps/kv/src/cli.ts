#!/usr/bin/env node
// corelane-kv [--port 6379] [--bind 127.0.0.1] [--cores N] [--dir ./data]
//             [--appendfsync always|everysec|no] [--checkpoint-bytes N] [--checkpoint-every N]
//             [--wal-segment-bytes N] [--requirepass secret]
// One shard per core on the corelane runtime; every core accepts connections on the port.
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { startKvRuntime } from './runtime/start.js';

const USAGE =
  'usage: corelane-kv [--port 6379] [--bind 127.0.0.1] [--cores <n>] [--dir <path>] ' +
  '[--appendfsync always|everysec|no] [--checkpoint-bytes <n>] [--checkpoint-every <n>] ' +
  '[--wal-segment-bytes <n>] [--requirepass <password>]';

function fail(message: string): never {
  console.error(`corelane-kv: ${message}\n${USAGE}`);
  process.exit(2);
}

function options() {
  try {
    return parseArgs({
      options: {
        port: { type: 'string', default: '6379' },
        bind: { type: 'string', default: '127.0.0.1' },
        cores: { type: 'string', default: String(availableParallelism()) },
        dir: { type: 'string' },
        appendfsync: { type: 'string', default: 'everysec' },
        'checkpoint-bytes': { type: 'string' },
        'checkpoint-every': { type: 'string' },
        'wal-segment-bytes': { type: 'string' },
        requirepass: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (e) {
    fail((e as Error).message);
  }
}

const values = options();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535)
  fail(`--port must be an integer in 0..65535, got ${values.port}`);
const cores = Number(values.cores);
if (!Number.isInteger(cores) || cores < 1 || cores > 1024)
  fail(`--cores must be an integer in 1..1024, got ${values.cores}`);
const appendfsync = values.appendfsync;
if (appendfsync !== 'always' && appendfsync !== 'everysec' && appendfsync !== 'no') {
  fail(`--appendfsync must be always, everysec or no, got ${appendfsync}`);
}

/** A non-negative integer option (sizes accept a k/m/g suffix, as Redis's config does), or absent. */
function count(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+)([kmg]?)(b?)$/i.exec(text);
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(match?.[2] ?? '').toLowerCase()] as number;
  const n = match === null ? Number.NaN : Number(match[1]) * unit;
  if (!Number.isSafeInteger(n)) fail(`--${name} must be a non-negative integer (k/m/g allowed), got ${text}`);
  return n;
}
const checkpointBytes = count('checkpoint-bytes', values['checkpoint-bytes']);
const checkpointEvery = count('checkpoint-every', values['checkpoint-every']);
const walSegmentBytes = count('wal-segment-bytes', values['wal-segment-bytes']);

const kv = await startKvRuntime({
  port,
  bind: values.bind,
  cores,
  appendfsync,
  ...(values.dir !== undefined ? { dir: values.dir } : {}),
  ...(values.requirepass !== undefined ? { requirepass: values.requirepass } : {}),
  ...(checkpointBytes !== undefined ? { checkpointBytes } : {}),
  ...(checkpointEvery !== undefined ? { checkpointEvery } : {}),
  ...(walSegmentBytes !== undefined ? { walSegmentBytes } : {}),
}).catch((e: unknown) => {
  // A port in use, a data dir it cannot write, a log it cannot recover: one line, exit 1.
  const code = (e as { code?: unknown }).code;
  console.error(`corelane-kv: cannot start: ${e instanceof Error ? e.message : String(e)}${code ? ` (${code})` : ''}`);
  process.exit(1);
});
const persistence = values.dir === undefined ? 'no persistence' : `dir ${values.dir}, appendfsync ${appendfsync}`;
console.log(`corelane-kv ready on ${values.bind}:${kv.port} (pid ${process.pid}, ${kv.cores} cores, ${persistence})`);

let stopping = false;
const stop = (why: string): void => {
  if (stopping) return;
  stopping = true;
  console.log(`corelane-kv stopping (${why})`);
  void kv.stop();
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
await kv.closed;
console.log('corelane-kv stopped');
