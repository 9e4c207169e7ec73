#!/usr/bin/env node
// corelane-kv [--port 6379] [--bind 127.0.0.1] [--requirepass secret]
// One process, one shard for now; --cores/--dir/--appendfsync arrive with the runtime.
import { parseArgs } from 'node:util';
import { startServer } from './server/server.js';

const USAGE = 'usage: corelane-kv [--port 6379] [--bind 127.0.0.1] [--requirepass <password>]';

function options() {
  try {
    return parseArgs({
      options: {
        port: { type: 'string', default: '6379' },
        bind: { type: 'string', default: '127.0.0.1' },
        requirepass: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (e) {
    console.error(`corelane-kv: ${(e as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

const values = options();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`corelane-kv: --port must be an integer in 0..65535, got ${values.port}`);
  process.exit(2);
}

const server = await startServer({
  port,
  bind: values.bind,
  ...(values.requirepass !== undefined ? { requirepass: values.requirepass } : {}),
});
console.log(`corelane-kv ready on ${values.bind}:${server.port} (pid ${process.pid})`);

let stopping = false;
const stop = (why: string): void => {
  if (stopping) return;
  stopping = true;
  console.log(`corelane-kv stopping (${why})`);
  void server.close();
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
await server.closed;
console.log('corelane-kv stopped');
