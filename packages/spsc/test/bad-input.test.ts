// Bad input throws a typed error with a stable code, and touches nothing: a wrong header is
// reported before any role is claimed or any index is written.
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
} from '../src/index.js';

const code = (c: string, type?: typeof TypeError | typeof RangeError) =>
  expect.objectContaining({ code: c, ...(type ? { name: type.name } : {}) });

function snapshot(buffer: SharedArrayBuffer): number[] {
  return Array.from(new Uint8Array(buffer));
}

describe('allocate', () => {
  it.each([
    [{ capacity: 3 }, ErrorCode.OUT_OF_RANGE],
    [{ capacity: 1 }, ErrorCode.OUT_OF_RANGE],
    [{ capacity: 2 ** 28 }, ErrorCode.OUT_OF_RANGE],
    [{ capacity: 1.5 }, ErrorCode.OUT_OF_RANGE],
    [{ capacity: '8' }, ErrorCode.INVALID_ARGUMENT],
    [{}, ErrorCode.INVALID_ARGUMENT],
    [{ capacity: 8, type: 'int8' }, ErrorCode.OUT_OF_RANGE],
    [{ capacity: 8, type: 8 }, ErrorCode.INVALID_ARGUMENT],
  ])('allocateRing(%j) throws %s', (options, expected) => {
    expect(() => allocateRing(options as never)).toThrow(code(expected));
  });

  it.each([
    [{ capacity: 32 }, ErrorCode.OUT_OF_RANGE],
    [{ capacity: 1000 }, ErrorCode.OUT_OF_RANGE],
    [{ capacity: 2 ** 31 }, ErrorCode.OUT_OF_RANGE],
    [null, ErrorCode.INVALID_ARGUMENT],
  ])('allocateByteRing(%j) throws %s', (options, expected) => {
    expect(() => allocateByteRing(options as never)).toThrow(code(expected));
  });
});

describe('attaching to a buffer that is not the right ring', () => {
  const slot = () => allocateRing({ capacity: 8 });
  const corrupt = (offset: number, value: number) => () => {
    const buffer = slot();
    new Int32Array(buffer)[offset / 4] = value;
    return buffer;
  };
  const cases: [string, () => unknown][] = [
    ['a plain ArrayBuffer', () => new ArrayBuffer(1024)],
    ['a zeroed SharedArrayBuffer', () => new SharedArrayBuffer(1024)],
    ['a tiny SharedArrayBuffer', () => new SharedArrayBuffer(8)],
    ['wrong magic', corrupt(0, 0x12345678)],
    ['layout version 1 (before the wake words and packed roles)', corrupt(4, 1)],
    ['a future layout version', corrupt(4, 3)],
    ['wrong kind', corrupt(8, 7)],
    ['unknown element type', corrupt(12, 9)],
    ['capacity not a power of two', corrupt(16, 6)],
    ['capacity that does not match the length', corrupt(16, 16)],
    ['wrong data offset', corrupt(20, 256)],
    ['wrong declared length', corrupt(24, 4096)],
    ['a byte ring', () => allocateByteRing({ capacity: 64 })],
    [
      'a truncated copy',
      () => {
        const copy = new SharedArrayBuffer(slot().byteLength - 8);
        new Uint8Array(copy).set(new Uint8Array(slot()).subarray(0, copy.byteLength));
        return copy;
      },
    ],
  ];

  it.each(cases)('%s: RingProducer and RingConsumer throw ERR_CORELANE_BAD_RING and write nothing', (_, make) => {
    const buffer = make();
    const before = buffer instanceof SharedArrayBuffer ? snapshot(buffer) : null;
    expect(() => new RingProducer(buffer as SharedArrayBuffer)).toThrow(code(ErrorCode.BAD_RING));
    expect(() => new RingConsumer(buffer as SharedArrayBuffer)).toThrow(code(ErrorCode.BAD_RING));
    if (before) expect(snapshot(buffer as SharedArrayBuffer)).toEqual(before);
  });

  it('a slot ring is not a byte ring, and the reverse', () => {
    const s = slot();
    const b = allocateByteRing({ capacity: 64 });
    const before = [snapshot(s), snapshot(b)];
    expect(() => new ByteRingProducer(s)).toThrow(code(ErrorCode.BAD_RING));
    expect(() => new ByteRingConsumer(s)).toThrow(code(ErrorCode.BAD_RING));
    expect(() => new RingProducer(b)).toThrow(code(ErrorCode.BAD_RING));
    expect([snapshot(s), snapshot(b)]).toEqual(before);
  });

  it('asking for another element type throws ERR_CORELANE_BAD_RING', () => {
    const ring = allocateRing({ capacity: 8, type: 'float64' });
    const before = snapshot(ring);
    expect(() => new RingConsumer(ring, { type: 'int32' })).toThrow(code(ErrorCode.BAD_RING));
    expect(() => new RingProducer(ring, { type: 'bigint64' })).toThrow(code(ErrorCode.BAD_RING));
    expect(snapshot(ring)).toEqual(before);
    expect(new RingConsumer(ring, { type: 'float64' }).type).toBe('float64');
  });

  it('bad options throw before the role is claimed', () => {
    const ring = slot();
    const before = snapshot(ring);
    expect(() => new RingProducer(ring, { publishEvery: 0 })).toThrow(code(ErrorCode.OUT_OF_RANGE, RangeError));
    expect(() => new RingProducer(ring, { publishEvery: 9 })).toThrow(code(ErrorCode.OUT_OF_RANGE, RangeError));
    expect(() => new RingConsumer(ring, { autoFlush: 'yes' as never })).toThrow(
      code(ErrorCode.INVALID_ARGUMENT, TypeError),
    );
    expect(() => new RingConsumer(ring, 5 as never)).toThrow(code(ErrorCode.INVALID_ARGUMENT, TypeError));
    for (const napMs of [-1, 1001, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new RingConsumer(ring, { napMs })).toThrow(code(ErrorCode.OUT_OF_RANGE, RangeError));
    }
    const bytes = allocateByteRing({ capacity: 64 });
    const bytesBefore = snapshot(bytes);
    expect(() => new ByteRingConsumer(bytes, { napMs: '1' as never })).toThrow(
      code(ErrorCode.INVALID_ARGUMENT, TypeError),
    );
    expect(snapshot(bytes)).toEqual(bytesBefore);
    expect(snapshot(ring)).toEqual(before);
    new RingProducer(ring, { napMs: 0.25 }).close(); // the role was never taken; fractions are fine
  });

  it('a native thread refuses a wrong header too', () => {
    expect(() => NativeRingThread.start(new SharedArrayBuffer(1024), { role: 'producer', count: 1 })).toThrow(
      code(ErrorCode.BAD_RING),
    );
    expect(() => NativeRingThread.start(slot(), { role: 'sideways' as never, count: 1 })).toThrow(
      code(ErrorCode.OUT_OF_RANGE),
    );
    expect(() => NativeRingThread.start(slot(), { role: 'producer', count: 0 })).toThrow(code(ErrorCode.OUT_OF_RANGE));
  });
});

describe('values and records', () => {
  it('a slot ring refuses values of the wrong type or range, writing nothing', () => {
    const ints = new RingProducer(allocateRing({ capacity: 8 }));
    expect(() => ints.push(1.5)).toThrow(code(ErrorCode.OUT_OF_RANGE, RangeError));
    expect(() => ints.push(2 ** 31)).toThrow(code(ErrorCode.OUT_OF_RANGE, RangeError));
    expect(() => ints.push(1n)).toThrow(code(ErrorCode.INVALID_ARGUMENT, TypeError));
    expect(() => ints.push('1' as never)).toThrow(code(ErrorCode.INVALID_ARGUMENT, TypeError));
    expect(() => ints.pushMany([1, 2, 'x' as never])).toThrow(code(ErrorCode.INVALID_ARGUMENT, TypeError));
    expect(() => ints.pushMany(new Float64Array(2) as never)).toThrow(code(ErrorCode.INVALID_ARGUMENT, TypeError));
    expect(ints.free).toBe(8);
    const bigs = new RingProducer(allocateRing({ capacity: 8, type: 'bigint64' }));
    expect(() => bigs.push(1)).toThrow(code(ErrorCode.INVALID_ARGUMENT, TypeError));
    expect(() => bigs.push(2n ** 63n)).toThrow(code(ErrorCode.OUT_OF_RANGE, RangeError));
    const consumer = new RingConsumer(allocateRing({ capacity: 8 }));
    expect(() => consumer.popMany(new Float64Array(4) as never)).toThrow(code(ErrorCode.INVALID_ARGUMENT, TypeError));
    expect(() => consumer.drain('f' as never)).toThrow(code(ErrorCode.INVALID_ARGUMENT, TypeError));
    expect(() => consumer.drain(() => {}, -1)).toThrow(code(ErrorCode.OUT_OF_RANGE, RangeError));
    expect(() => consumer.waitReadable(-1)).toThrow(code(ErrorCode.OUT_OF_RANGE, RangeError));
  });

  it('an oversized record throws ERR_CORELANE_RECORD_TOO_LARGE (a RangeError) and writes nothing', () => {
    const ring = allocateByteRing({ capacity: 256 });
    const producer = new ByteRingProducer(ring);
    expect(producer.maxRecordBytes).toBe(120);
    const before = snapshot(ring);
    expect(() => producer.write(new Uint8Array(121))).toThrow(code(ErrorCode.RECORD_TOO_LARGE, RangeError));
    expect(() => producer.claim(1_000_000)).toThrow(code(ErrorCode.RECORD_TOO_LARGE, RangeError));
    expect(() => producer.claim(-1)).toThrow(code(ErrorCode.OUT_OF_RANGE, RangeError));
    expect(() => producer.write(new Uint8Array(1), -1)).toThrow(code(ErrorCode.OUT_OF_RANGE, RangeError));
    expect(() => producer.write(new Uint8Array(1), 2 ** 31)).toThrow(code(ErrorCode.OUT_OF_RANGE, RangeError));
    expect(() => producer.write([1, 2] as never)).toThrow(code(ErrorCode.INVALID_ARGUMENT, TypeError));
    // claimOffset() tests the common case in one go and leaves the rest to the full checks.
    expect(() => producer.claimOffset(121)).toThrow(code(ErrorCode.RECORD_TOO_LARGE, RangeError));
    expect(() => producer.claimOffset(2 ** 32 - 1)).toThrow(code(ErrorCode.RECORD_TOO_LARGE, RangeError));
    for (const length of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => producer.claimOffset(length)).toThrow(code(ErrorCode.OUT_OF_RANGE, RangeError));
    }
    expect(() => producer.claimOffset('8' as never)).toThrow(code(ErrorCode.INVALID_ARGUMENT, TypeError));
    for (const type of [-1, 2 ** 31, 0.5]) {
      expect(() => producer.claimOffset(8, type)).toThrow(code(ErrorCode.OUT_OF_RANGE, RangeError));
    }
    expect(() => producer.claimOffset(8, '1' as never)).toThrow(code(ErrorCode.INVALID_ARGUMENT, TypeError));
    // A bigint or a symbol cannot take `>>>` at all: still the typed error, not the engine's own.
    for (const bad of [8n, Symbol('8')]) {
      expect(() => producer.claimOffset(bad as never)).toThrow(code(ErrorCode.INVALID_ARGUMENT, TypeError));
      expect(() => producer.claimOffset(8, bad as never)).toThrow(code(ErrorCode.INVALID_ARGUMENT, TypeError));
      expect(() => producer.claim(bad as never)).toThrow(code(ErrorCode.INVALID_ARGUMENT, TypeError));
    }
    expect(snapshot(ring)).toEqual(before);
    expect(producer.write(new Uint8Array(120))).toBe(true);
  });

  it('claim/commit/abort out of order throws ERR_CORELANE_INVALID_STATE', () => {
    const producer = new ByteRingProducer(allocateByteRing({ capacity: 256 }));
    expect(() => producer.commit()).toThrow(code(ErrorCode.INVALID_STATE));
    expect(() => producer.abort()).toThrow(code(ErrorCode.INVALID_STATE));
    expect(producer.claim(8)).not.toBeNull();
    expect(() => producer.claim(8)).toThrow(code(ErrorCode.INVALID_STATE));
    expect(() => producer.write(new Uint8Array(1))).toThrow(code(ErrorCode.INVALID_STATE));
    producer.commit();
    expect(producer.claim(8)).not.toBeNull();
  });
});

describe('a corrupt ring', () => {
  it('a record header that ends past the tail throws ERR_CORELANE_BAD_RING instead of looping', () => {
    const ring = allocateByteRing({ capacity: 256 });
    const producer = new ByteRingProducer(ring, { publishEvery: 1 });
    const consumer = new ByteRingConsumer(ring);
    producer.write(Uint8Array.of(1, 2, 3), 5);
    producer.write(Uint8Array.of(4), 6);
    new Int32Array(ring, 512 + 16, 1)[0] = 100; // the second record's length, now past the tail
    const types: number[] = [];
    expect(() => consumer.read((_, type) => types.push(type))).toThrow(code(ErrorCode.BAD_RING));
    expect(types).toEqual([5]); // the good record before it was delivered and handed back
    expect(consumer.availableBytes).toBe(16);
    for (const length of [-8, 2 ** 31 - 1, 121]) {
      new Int32Array(ring, 512 + 16, 1)[0] = length; // negative, huge, above the maximum
      expect(() => consumer.read(() => {})).toThrow(code(ErrorCode.BAD_RING));
    }
  });
});
