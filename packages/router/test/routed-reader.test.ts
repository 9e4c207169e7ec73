// RoutedReader in one thread: what it hands out (the same view, offsets into the ring's data),
// who owns the consumer, and every input and record it refuses, each with its typed error before
// any record is read (or, for a record that is not a routed one, after the ones before it).
import { allocateByteRing, ByteRingConsumer, ByteRingProducer } from '@corelane/spsc';
import { describe, expect, it } from 'vitest';
import { RoutedReader, RoutedRecordType, type RoutedRecordView, Router } from '../src/index.js';
import { localRings } from './helpers/local-rings.js';

const { rings, track } = localRings(1024);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('RoutedReader', () => {
  it('hands every record as one reused view of offsets into the consumer data', () => {
    const { buffers, consumers } = rings(1);
    const router = track(new Router(buffers));
    router.route('k1', Uint8Array.of(1, 2, 3));
    router.route(Uint8Array.of(9, 9), new Uint8Array(0));
    router.route(-3, Uint8Array.of(7));
    router.flush();
    const consumer = consumers[0] as ByteRingConsumer;
    const reader = new RoutedReader(consumer);
    const views: RoutedRecordView[] = [];
    const seen: unknown[] = [];
    expect(
      reader.read((r) => {
        views.push(r);
        expect(r.data).toBe(consumer.data);
        seen.push([r.type, r.keyLength, r.payloadLength, r.payloadOffset - r.keyOffset, r.key(), [...r.payload()]]);
      }),
    ).toBe(3);
    expect(new Set(views).size).toBe(1);
    expect(seen).toEqual([
      [RoutedRecordType.STRING, 2, 3, 2, 'k1', [1, 2, 3]],
      [RoutedRecordType.BYTES, 2, 0, 2, Uint8Array.of(9, 9), []],
      [RoutedRecordType.NUMBER, 8, 1, 8, -3, [7]],
    ]);
  });

  it('reads at most max records, and nothing more once the ring is empty', () => {
    const { buffers, consumers } = rings(1);
    const router = track(new Router(buffers));
    for (let i = 0; i < 5; i++) router.route(i, Uint8Array.of(i));
    router.flush();
    const reader = new RoutedReader(consumers[0] as ByteRingConsumer);
    const got: number[] = [];
    const take = (r: RoutedRecordView): void => {
      got.push(r.data[r.payloadOffset] as number);
    };
    expect(reader.read(take, 2)).toBe(2);
    expect(reader.read(take)).toBe(3);
    expect(reader.read(take)).toBe(0);
    expect(got).toEqual([0, 1, 2, 3, 4]);
  });

  it('closes a consumer it attached, never one handed in', () => {
    const ring = allocateByteRing({ capacity: 1024 });
    const own = new RoutedReader(ring);
    own.close();
    expect(own.consumer.closed).toBe(true);
    own.close(); // idempotent
    const consumer = track(new ByteRingConsumer(ring)); // the role is free again
    new RoutedReader(consumer).close();
    expect(consumer.closed).toBe(false);
  });

  it('refuses a bad source, options with a consumer handed in, and a handler that is not a function', () => {
    expect(codeOf(() => new RoutedReader({} as SharedArrayBuffer))).toBe('ERR_CORELANE_INVALID_ARGUMENT');
    expect(codeOf(() => new RoutedReader(new ArrayBuffer(64) as unknown as SharedArrayBuffer))).toBe(
      'ERR_CORELANE_INVALID_ARGUMENT',
    );
    const { buffers, consumers } = rings(1);
    const consumer = consumers[0] as ByteRingConsumer;
    expect(codeOf(() => new RoutedReader(consumer, { publishEvery: 2 }))).toBe('ERR_CORELANE_INVALID_ARGUMENT');
    const router = track(new Router(buffers));
    router.route('a', Uint8Array.of(1));
    router.flush();
    const reader = new RoutedReader(consumer);
    expect(codeOf(() => reader.read('nope' as unknown as () => void))).toBe('ERR_CORELANE_INVALID_ARGUMENT');
    // Nothing was read by the refused call.
    expect(reader.read(() => {})).toBe(1);
  });

  it('passes its options to the consumer it attaches (napMs 0.5 unless given), refusing bad ones before attaching', () => {
    const ring = allocateByteRing({ capacity: 1024 });
    expect(codeOf(() => new RoutedReader(ring, 5 as never))).toBe('ERR_CORELANE_INVALID_ARGUMENT');
    expect(codeOf(() => new RoutedReader(ring, { napMs: -1 }))).toBe('ERR_CORELANE_OUT_OF_RANGE');
    expect(codeOf(() => new RoutedReader(ring, { publishEvery: 0 }))).toBe('ERR_CORELANE_OUT_OF_RANGE');
    for (const options of [undefined, { napMs: 0 }, { napMs: 2 }]) {
      const reader = new RoutedReader(ring, options); // the role was free each time
      expect(reader.waitReadable(0)).toBe(false); // empty, no time to nap
      expect(reader.waitReadable(3)).toBe(false); // naps (or sleeps) end at the wait's deadline
      reader.close();
    }
  });

  it('refuses a read from inside its handler, and the outer read goes on', () => {
    const { buffers, consumers } = rings(1);
    const router = track(new Router(buffers));
    for (let i = 0; i < 3; i++) router.route(i, Uint8Array.of(i));
    router.flush();
    const reader = new RoutedReader(consumers[0] as ByteRingConsumer);
    const codes: (string | undefined)[] = [];
    const got: number[] = [];
    const n = reader.read((r) => {
      got.push(r.key() as number);
      codes.push(codeOf(() => reader.read(() => {})));
    });
    expect(n).toBe(3);
    expect(got).toEqual([0, 1, 2]);
    expect(codes).toEqual(['ERR_CORELANE_INVALID_STATE', 'ERR_CORELANE_INVALID_STATE', 'ERR_CORELANE_INVALID_STATE']);
  });

  it('throws OUT_OF_RANGE at a record that is not a routed one, after handing out those before it', () => {
    const ring = allocateByteRing({ capacity: 1024 });
    const producer = track(new ByteRingProducer(ring));
    const router = track(new Router([producer]));
    router.route('ok', Uint8Array.of(1));
    producer.write(Uint8Array.of(1, 2, 3, 4), 7); // another writer's record type
    router.route('after', Uint8Array.of(2));
    // A routed type whose key length runs past the record.
    producer.write(Uint8Array.of(200, 0, 0, 0, 1), RoutedRecordType.BYTES);
    // An integer key that does not take 8 bytes.
    producer.write(Uint8Array.of(2, 0, 0, 0, 1, 2), RoutedRecordType.NUMBER);
    producer.flush();
    const reader = track(new RoutedReader(ring));
    const keys: unknown[] = [];
    const take = (r: RoutedRecordView): void => {
      keys.push(r.key());
    };
    expect(codeOf(() => reader.read(take))).toBe('ERR_CORELANE_OUT_OF_RANGE');
    expect(reader.read(take, 1)).toBe(1); // the bad record counted as read
    expect(codeOf(() => reader.read(take))).toBe('ERR_CORELANE_OUT_OF_RANGE');
    expect(codeOf(() => reader.read(take))).toBe('ERR_CORELANE_OUT_OF_RANGE');
    expect(reader.read(take)).toBe(0);
    expect(keys).toEqual(['ok', 'after']);
  });

  it('throws CLOSED after close(), before reading', () => {
    const ring = allocateByteRing({ capacity: 1024 });
    const reader = new RoutedReader(ring);
    reader.close();
    expect(codeOf(() => reader.read(() => {}))).toBe('ERR_CORELANE_CLOSED');
  });
});
