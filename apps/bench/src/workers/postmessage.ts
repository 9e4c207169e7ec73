/**
 * Worker script of the postMessage baseline (dist/workers/postmessage.js): one thread of a
 * ping-pong pair or of a producer → consumer stream over a MessagePort, one number per message.
 * Driven by `PostMessagePair` (src/peers/postmessage.ts); later suites use it as the baseline that
 * shared-memory rings are compared with.
 */
import type { MessagePort } from 'node:worker_threads';
import { currentCpu, osThreadId, pinThread, threadAffinity } from '@corelane/affinity';
import { serve } from '../harness/worker-serve.js';

/** Where this thread may run after `pin`. */
export interface Placement {
  tid: number;
  affinity: number[];
  cpu: number;
}

export interface RunResult {
  /** Round trips (ping-pong) or messages (stream) completed. */
  count: number;
  /** Nanoseconds they took, measured in this thread. */
  elapsedNs: number;
}

const now = () => process.hrtime.bigint();
const CHECK_EVERY = 256;

serve({
  pin({ cpu }: { cpu: number | null }): Placement {
    if (cpu !== null) pinThread(cpu);
    return { tid: osThreadId(), affinity: threadAffinity(), cpu: currentCpu() };
  },

  /** Echoes every number back until the other side closes the port. Answers at once. */
  echo({ port }: { port: MessagePort }): void {
    port.on('message', (n: number) => port.postMessage(n));
    port.on('close', () => port.close());
  },

  /** Sends 0, expects it back, sends 1, … until `count` round trips or `capMs`, then closes the port. */
  lead({ port, count, capMs }: { port: MessagePort; count: number; capMs: number }): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const start = now();
      const deadline = start + BigInt(Math.round(capMs * 1e6));
      let done = 0;
      const finish = (error?: Error) => {
        port.close();
        if (error) reject(error);
        else resolve({ count: done, elapsedNs: Number(now() - start) });
      };
      port.on('message', (n: number) => {
        if (n !== done) return finish(new Error(`ping-pong: expected ${done} back, got ${n}`));
        done++;
        if (done >= count || (done % CHECK_EVERY === 0 && now() > deadline)) return finish();
        port.postMessage(done);
      });
      port.postMessage(0);
    });
  },

  /**
   * Posts 0, 1, … count-1, one number per message, in bursts of 1024 (yielding between bursts
   * only to check `capMs`).
   */
  produce({ port, count, capMs }: { port: MessagePort; count: number; capMs: number }): Promise<RunResult> {
    return new Promise((resolve) => {
      const start = now();
      const deadline = start + BigInt(Math.round(capMs * 1e6));
      let sent = 0;
      const burst = () => {
        const end = Math.min(count, sent + 1024);
        while (sent < end) port.postMessage(sent++);
        if (sent < count && now() < deadline) setImmediate(burst);
        else resolve({ count: sent, elapsedNs: Number(now() - start) });
      };
      burst();
    });
  },

  /**
   * Receives numbers until `count` arrived or `capMs` passed, checking that each is the next in
   * sequence (nothing lost, duplicated or reordered). Times first to last message.
   */
  consume({ port, count, capMs }: { port: MessagePort; count: number; capMs: number }): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      let received = 0;
      let first = 0n;
      let last = 0n;
      const finish = (error?: Error) => {
        clearTimeout(timer);
        port.close();
        if (error) return reject(error);
        if (received < 2) return reject(new Error(`stream: only ${received} messages arrived within ${capMs} ms`));
        resolve({ count: received - 1, elapsedNs: Number(last - first) });
      };
      const timer = setTimeout(() => finish(), capMs);
      port.on('message', (n: number) => {
        if (n !== received) return finish(new Error(`stream: expected message ${received}, got ${n}`));
        last = now();
        if (received === 0) first = last;
        received++;
        if (received >= count) finish();
      });
    });
  },
});
