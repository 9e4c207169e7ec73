/**
 * Worker script of the router suite's throughput cases (dist/workers/router.js): one consumer
 * core. It receives routed records — through a @corelane/spsc byte ring written by a Router, or
 * through a MessagePort (one record per message, or batches of records in a transferred
 * buffer) — and counts and checksums every one, the same way whatever the transport.
 * Driven by src/suites/router/vs-postmessage.ts.
 */
import type { MessagePort } from 'node:worker_threads';
import { type Cpu, pinThread, threadAffinity } from '@corelane/affinity';
import { ROUTED_HEADER_BYTES, RoutedReader, type RoutedRecordView } from '@corelane/router';
import { serve } from '../harness/worker-serve.js';
import { contextSwitches } from '../suites/router/context-switches.js';
import { type ConsumerTally, checksumRecord } from '../suites/router/tally.js';

serve({
  /** Pins this consumer to `cpu` for the rest of the case (the same for every side): the CPUs it may now run on. */
  pin({ cpu }: { cpu: Cpu }): Cpu[] {
    pinThread(cpu);
    return threadAffinity();
  },

  /** Reads the ring until its producer (the Router) closes it and it is empty. */
  ring({ ring, capMs }: { ring: SharedArrayBuffer; capMs: number }): ConsumerTally {
    // In place: one reused view of offsets into the ring per record, nothing allocated. Its
    // waitReadable() naps up to 0.5 ms before it sleeps announced (RoutedReader's default napMs).
    const reader = new RoutedReader(ring);
    const before = contextSwitches().voluntary;
    let count = 0;
    let checksum = 0;
    const tally = (record: RoutedRecordView): void => {
      checksum = (checksum + checksumRecord(record.data, record.keyOffset - ROUTED_HEADER_BYTES)) | 0;
      count++;
    };
    const deadline = performance.now() + capMs;
    try {
      while (reader.waitReadable(capMs)) {
        // At most 256 records per read(): each call hands the space back (one head store), so
        // a producer waiting on a full ring resumes after 256 records, not after all of them.
        while (reader.read(tally, 256) === 256);
        if (performance.now() > deadline) throw new Error('the ring consumer ran past its deadline');
      }
    } finally {
      reader.close();
    }
    return { count, checksum, sleeps: contextSwitches().voluntary - before };
  },

  /**
   * Receives records on `port` until a `null` message: each message one record (a Uint8Array),
   * or with `batched` a Uint8Array of frames `[u32 LE length][record]`. Posts 'ready' on `port`
   * once it listens: the case starts its clock then.
   */
  port({ port, batched, capMs }: { port: MessagePort; batched: boolean; capMs: number }): Promise<ConsumerTally> {
    return new Promise((resolve, reject) => {
      let count = 0;
      let checksum = 0;
      const timer = setTimeout(() => {
        port.close();
        reject(new Error('the port consumer ran past its deadline'));
      }, capMs);
      port.on('message', (message: Uint8Array | null) => {
        if (message === null) {
          clearTimeout(timer);
          port.close();
          resolve({ count, checksum });
          return;
        }
        if (!batched) {
          checksum = (checksum + checksumRecord(message, 0)) | 0;
          count++;
          return;
        }
        for (let at = 0; at < message.length; ) {
          const length =
            (message[at] as number) |
            ((message[at + 1] as number) << 8) |
            ((message[at + 2] as number) << 16) |
            ((message[at + 3] as number) << 24);
          checksum = (checksum + checksumRecord(message, at + 4)) | 0;
          count++;
          at += 4 + length;
        }
      });
      port.postMessage('ready');
    });
  },
});
