// Roles are claimed in the header; close() releases them and tells the peer.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import {
  allocateByteRing,
  allocateRing,
  ByteRingConsumer,
  ByteRingProducer,
  ErrorCode,
  NativeRingThread,
  RingConsumer,
  RingProducer,
  releaseRole,
} from '../src/index.js';

describe('roles', () => {
  it('a second producer or consumer throws ERR_CORELANE_ROLE_TAKEN until the first closes', () => {
    const ring = allocateRing({ capacity: 8 });
    const producer = new RingProducer(ring);
    const consumer = new RingConsumer(ring);
    expect(() => new RingProducer(ring)).toThrow(expect.objectContaining({ code: ErrorCode.ROLE_TAKEN }));
    expect(() => new RingConsumer(ring)).toThrow(expect.objectContaining({ code: ErrorCode.ROLE_TAKEN }));
    producer.push(1);
    producer.push(2);
    producer.close();
    expect(consumer.peerClosed).toBe(true);
    // the next producer continues where the first stopped: nothing lost, nothing repeated
    const next = new RingProducer(ring);
    expect(consumer.peerClosed).toBe(false);
    expect(consumer.peerAttached).toBe(true);
    next.push(3);
    next.flush();
    const seen: unknown[] = [];
    consumer.drain((v) => seen.push(v));
    expect(seen).toEqual([1, 2, 3]);
  });

  it('the role is taken across threads too, and a native thread holds it while it runs', async () => {
    const ring = allocateByteRing({ capacity: 1024 });
    const thread = NativeRingThread.start(ring, { role: 'consumer', count: 10, timeoutMs: 20_000 });
    expect(() => new ByteRingConsumer(ring)).toThrow(
      expect.objectContaining({ code: ErrorCode.ROLE_TAKEN, message: expect.stringMatching(/native thread/) }),
    );
    // a worker attaches the producer and writes the 10 records the native side expects
    const worker = new Worker(new URL('./workers/ring-worker.mjs', import.meta.url), {
      workerData: {
        buffer: ring,
        kind: 'byte',
        role: 'producer',
        spec: { count: 10, timeoutMs: 20_000, wait: 'park', fixedLength: -1, maxLength: 504 },
      },
    });
    const report = await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    const result = await thread.finished();
    expect(result).toMatchObject({
      count: 10,
      errors: 0,
      timedOut: false,
      checksum: (report as { checksum: number }).checksum,
    });
    // both closed now: the roles are free again
    const consumer = new ByteRingConsumer(ring);
    expect(consumer.peerClosed).toBe(true);
    consumer.close();
  });

  it('close() publishes what is pending, and the closed side refuses further use', () => {
    const ring = allocateByteRing({ capacity: 128 });
    const producer = new ByteRingProducer(ring, { autoFlush: false, publishEvery: 100 });
    const consumer = new ByteRingConsumer(ring);
    expect(producer.write(Uint8Array.of(1, 2, 3), 9)).toBe(true);
    expect(consumer.read(() => {})).toBe(0); // not published yet
    producer.close();
    expect(producer.closed).toBe(true);
    expect(() => producer.write(Uint8Array.of(1))).toThrow(expect.objectContaining({ code: ErrorCode.CLOSED }));
    expect(() => producer.claim(1)).toThrow(expect.objectContaining({ code: ErrorCode.CLOSED }));
    expect(() => producer.commit()).toThrow(expect.objectContaining({ code: ErrorCode.CLOSED }));
    expect(() => producer.abort()).toThrow(expect.objectContaining({ code: ErrorCode.CLOSED }));
    const got: number[][] = [];
    expect(consumer.read((bytes, type) => got.push([type, ...bytes]))).toBe(1);
    expect(got).toEqual([[9, 1, 2, 3]]);
    producer.close(); // idempotent
  });

  it('pushing or popping after close() throws ERR_CORELANE_CLOSED', () => {
    const ring = allocateRing({ capacity: 8, type: 'float64' });
    const producer = new RingProducer(ring);
    const consumer = new RingConsumer(ring);
    producer.close();
    consumer.close();
    expect(() => producer.push(1)).toThrow(expect.objectContaining({ code: ErrorCode.CLOSED }));
    expect(() => producer.pushMany([1])).toThrow(expect.objectContaining({ code: ErrorCode.CLOSED }));
    expect(() => consumer.pop()).toThrow(expect.objectContaining({ code: ErrorCode.CLOSED }));
    expect(() => consumer.drain(() => {})).toThrow(expect.objectContaining({ code: ErrorCode.CLOSED }));
    expect(() => consumer.waitReadable(0)).toThrow(expect.objectContaining({ code: ErrorCode.CLOSED }));
  });

  it('a side whose thread exits without close() releases its role', async () => {
    const ring = allocateRing({ capacity: 8 });
    const consumer = new RingConsumer(ring);
    const worker = new Worker(
      `const { RingProducer } = await import(${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)});
       const { workerData } = await import('node:worker_threads');
       const p = new RingProducer(workerData); p.push(41); p.push(42);`,
      { eval: true, workerData: ring },
    );
    await new Promise((resolve) => worker.once('exit', resolve));
    expect(consumer.peerClosed).toBe(true);
    expect([consumer.pop(), consumer.pop(), consumer.pop()]).toEqual([41, 42, undefined]);
  });

  it('releaseRole() frees the role of a side whose worker was terminated', async () => {
    const ring = allocateRing({ capacity: 8 });
    const consumer = new RingConsumer(ring);
    const worker = new Worker(
      `const { RingProducer } = await import(${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)});
       const { workerData, parentPort } = await import('node:worker_threads');
       const p = new RingProducer(workerData); p.push(7); p.flush();
       parentPort.postMessage('attached'); setInterval(() => {}, 1000);`,
      { eval: true, workerData: ring },
    );
    await new Promise((resolve) => worker.once('message', resolve));
    await worker.terminate(); // no code runs in the worker any more: its role stays held
    expect(consumer.peerClosed).toBe(false);
    expect(() => new RingProducer(ring)).toThrow(expect.objectContaining({ code: ErrorCode.ROLE_TAKEN }));
    expect(releaseRole(ring, 'producer')).toBe(true);
    expect(consumer.peerClosed).toBe(true);
    expect(consumer.waitReadable(1)).toBe(true); // what it published is still there
    const next = new RingProducer(ring);
    next.push(8);
    next.flush();
    expect([consumer.pop(), consumer.pop(), consumer.pop()]).toEqual([7, 8, undefined]);
    expect(releaseRole(ring, 'consumer')).toBe(true);
    expect(releaseRole(ring, 'consumer')).toBe(false);
    expect(() => releaseRole(new SharedArrayBuffer(64), 'producer')).toThrow(
      expect.objectContaining({ code: ErrorCode.BAD_RING }),
    );
    expect(() => releaseRole(ring, 'both' as never)).toThrow(expect.objectContaining({ code: ErrorCode.OUT_OF_RANGE }));
  });
});

describe('waits', () => {
  it('waitReadable times out with false on an empty ring, and returns true at once when a value is ready', () => {
    const ring = allocateRing({ capacity: 4 });
    const producer = new RingProducer(ring);
    const consumer = new RingConsumer(ring);
    expect(consumer.waitReadable(5)).toBe(false);
    producer.push(1);
    producer.flush();
    expect(consumer.waitReadable(5)).toBe(true);
  });

  it('waitWritable times out on a full ring and succeeds once the consumer hands slots back', () => {
    const ring = allocateRing({ capacity: 2 });
    const producer = new RingProducer(ring);
    const consumer = new RingConsumer(ring, { publishEvery: 2 });
    producer.push(1);
    producer.push(2);
    expect(producer.waitWritable(5)).toBe(false);
    expect(consumer.pop()).toBe(1); // read but not yet handed back (batch 2)
    expect(producer.waitWritable(5)).toBe(false);
    expect(consumer.waitReadable(0)).toBe(true); // a value is ready: no need to publish, no sleep
    expect(consumer.pop()).toBe(2);
    expect(consumer.waitReadable(1)).toBe(false); // empty now; its second pop handed both slots back
    expect(producer.waitWritable(5)).toBe(true);
    expect(producer.free).toBe(2);
  });

  it('readable() resolves false when the producer closes with the ring empty', async () => {
    const ring = allocateByteRing({ capacity: 64 });
    const producer = new ByteRingProducer(ring);
    const consumer = new ByteRingConsumer(ring);
    const waiting = consumer.readable();
    setTimeout(() => producer.close(), 10);
    expect(await waiting).toBe(false);
  });

  it('a byte producer waits for room for a record of a given length', async () => {
    const ring = allocateByteRing({ capacity: 64 });
    const producer = new ByteRingProducer(ring);
    const consumer = new ByteRingConsumer(ring);
    expect(producer.write(new Uint8Array(24))).toBe(true); // 32 of 64 bytes
    expect(producer.canWrite(24)).toBe(true);
    expect(producer.write(new Uint8Array(24))).toBe(true);
    expect(producer.canWrite(0)).toBe(false);
    const writable = producer.writable(10_000, 24);
    setTimeout(() => consumer.read(() => {}, 1), 10);
    expect(await writable).toBe(true);
    expect(await producer.writable(5, 24)).toBe(true);
  });
});

describe('close() after releaseRole()', () => {
  it('a side whose role was released does not free, nor publish into, the role of the side attached after it', () => {
    const ring = allocateRing({ capacity: 8 });
    const consumer = new RingConsumer(ring);
    const a = new RingProducer(ring, { autoFlush: false, publishEvery: 8 });
    a.push(100); // written, never published
    expect(releaseRole(ring, 'producer')).toBe(true);
    const b = new RingProducer(ring);
    b.push(1);
    b.flush();
    a.close();
    expect(a.closed).toBe(true);
    expect(consumer.peerClosed).toBe(false);
    expect(consumer.peerAttached).toBe(true);
    expect(() => new RingProducer(ring)).toThrow(expect.objectContaining({ code: ErrorCode.ROLE_TAKEN }));
    b.push(2);
    b.flush();
    expect([consumer.pop(), consumer.pop(), consumer.pop()]).toEqual([1, 2, undefined]);
    b.close();
    expect(consumer.peerClosed).toBe(true);
  });

  it('the same holds for a consumer of a byte ring', () => {
    const ring = allocateByteRing({ capacity: 64 });
    const producer = new ByteRingProducer(ring);
    const a = new ByteRingConsumer(ring);
    expect(releaseRole(ring, 'consumer')).toBe(true);
    const b = new ByteRingConsumer(ring);
    a.close();
    expect(producer.peerClosed).toBe(false);
    expect(() => new ByteRingConsumer(ring)).toThrow(expect.objectContaining({ code: ErrorCode.ROLE_TAKEN }));
    b.close();
    expect(producer.peerClosed).toBe(true);
  });

  it('a native thread whose role was released leaves the role of the JS side attached after it alone when it ends', async () => {
    const ring = allocateRing({ capacity: 8 });
    // nothing is ever produced: the native consumer gives up after its timeout and releases its role
    const thread = NativeRingThread.start(ring, { role: 'consumer', count: 1, timeoutMs: 200 });
    expect(releaseRole(ring, 'consumer')).toBe(true);
    const consumer = new RingConsumer(ring);
    const result = await thread.finished();
    expect(result.timedOut).toBe(true);
    expect(() => new RingConsumer(ring)).toThrow(expect.objectContaining({ code: ErrorCode.ROLE_TAKEN }));
    consumer.close();
    expect(new RingConsumer(ring).closed).toBe(false);
  });
  it('a native thread whose role was released leaves the role of the native thread started after it alone', async () => {
    const ring = allocateRing({ capacity: 8 });
    const first = NativeRingThread.start(ring, { role: 'consumer', count: 1, timeoutMs: 200 });
    expect(releaseRole(ring, 'consumer')).toBe(true);
    const second = NativeRingThread.start(ring, { role: 'consumer', count: 1, timeoutMs: 20_000 });
    expect((await first.finished()).timedOut).toBe(true);
    expect(() => new RingConsumer(ring)).toThrow(
      expect.objectContaining({ code: ErrorCode.ROLE_TAKEN, message: expect.stringMatching(/native thread/) }),
    );
    const producer = new RingProducer(ring);
    producer.push(0); // the value the second thread waits for
    producer.flush();
    expect(await second.finished()).toMatchObject({ count: 1, errors: 0, timedOut: false });
    expect(producer.peerClosed).toBe(true);
    producer.close();
  });
});
