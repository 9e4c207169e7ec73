import { runWorker } from '@corelane/shared/testing';
import { expect } from 'vitest';

/** What one side of a cross-thread run reports (JS worker or native thread). */
export interface SideReport {
  count: number;
  checksum: number;
  errors: number;
  timedOut: boolean;
}

/** How a JS side runs (see test/workers/workload.mjs). */
export interface JsSpec {
  count: number;
  timeoutMs: number;
  publishEvery?: number;
  /** The side's `napMs`: sync waits nap this long (unannounced) before they sleep announced. */
  napMs?: number;
  /** How to wait when the ring is full or empty. */
  wait: 'spin' | 'park' | 'async';
  /** Consumer: handle one item per call, and wait again after each (the lost-wake-up variant). */
  perMessage?: boolean;
  /** Consumer: stop at the first wait that says false while the producer is closed (no read after it). */
  untilClosed?: boolean;
  /** Consumer of a slot ring: use pop() instead of drain(). */
  pop?: boolean;
  /** Producer: neither flush nor close until the consumer has closed. */
  lingerUntilPeerCloses?: boolean;
  /** Producer: flush after every n items. */
  flushEvery?: number;
  /** Producer: after every n items, publish and idle one timer tick (the native consumer parks meanwhile). */
  pauseMsEvery?: number;
  fixedLength?: number;
  maxLength?: number;
  /** Byte rings: claimOffset() / readOffsets() into the sides' `data` instead of views. */
  inPlace?: boolean;
}

/** Runs one side of a ring in a fresh worker thread. */
export function jsSide(
  buffer: SharedArrayBuffer,
  kind: 'slot' | 'byte',
  role: 'producer' | 'consumer',
  spec: JsSpec,
): Promise<SideReport> {
  return runWorker<SideReport>(
    new URL('../workers/ring-worker.mjs', import.meta.url),
    { buffer, kind, role, spec: { fixedLength: -1, maxLength: 0, ...spec } },
    spec.timeoutMs + 20_000,
  );
}

/**
 * A JS producer and a JS consumer on `buffer`, each in its own worker: neither may time out, every
 * item must arrive, in order (no consumer errors), with the producer's checksum.
 */
export async function jsPair(buffer: SharedArrayBuffer, kind: 'slot' | 'byte', producer: JsSpec, consumer: JsSpec) {
  const [p, c] = await Promise.all([
    jsSide(buffer, kind, 'producer', producer),
    jsSide(buffer, kind, 'consumer', consumer),
  ]);
  expect(p.timedOut).toBe(false);
  expect(c.timedOut).toBe(false);
  expect(p.count).toBe(producer.count);
  expect(c.count).toBe(producer.count);
  expect(c.errors).toBe(0);
  expect(c.checksum).toBe(p.checksum);
}
