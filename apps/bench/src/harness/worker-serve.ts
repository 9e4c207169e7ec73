import { parentPort } from 'node:worker_threads';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

// biome-ignore lint/suspicious/noExplicitAny: each handler narrows its own arguments.
export type Handler = (args: any) => unknown;

/**
 * Worker side of `WorkerHandle`: answers each request with its handler's (awaited) result or
 * its error. `ping` is built in. Each request is answered when its handler settles.
 */
export function serve(handlers: Record<string, Handler>): void {
  const port = parentPort;
  if (!port) throw new Error('serve() must run in a worker_thread');
  const all: Record<string, Handler> = { ping: () => 'pong', ...handlers };
  port.on('message', async (request: WorkerRequest) => {
    let reply: WorkerReply;
    try {
      const handler = all[request.op];
      if (!handler) throw new Error(`unknown op ${request.op}`);
      reply = { id: request.id, ok: true, result: await handler(request.args) };
    } catch (error) {
      reply = { id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(reply);
  });
}
