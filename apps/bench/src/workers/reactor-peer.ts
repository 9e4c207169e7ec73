/**
 * The postMessage peer of the reactor suite (dist/workers/reactor-peer.js): a worker that
 * echoes, or counts what it gets until a final null, on a MessagePort.
 */
import type { MessagePort } from 'node:worker_threads';
import { serve } from '../harness/worker-serve.js';

serve({
  /** Echoes every message back on `port` until it closes. Answers at once. */
  echo({ port }: { port: MessagePort }): void {
    port.on('message', (v: unknown) => port.postMessage(v));
  },
  /** Counts messages (a batch `{ count, bytes }` counts as `count`) until a null; answers with the count. */
  sink({ port }: { port: MessagePort }): Promise<number> {
    return new Promise((resolve) => {
      let count = 0;
      port.on('message', (v: unknown) => {
        if (v === null) {
          port.close();
          resolve(count);
        } else count += typeof v === 'object' && v !== null && 'count' in v ? (v as { count: number }).count : 1;
      });
    });
  },
});
