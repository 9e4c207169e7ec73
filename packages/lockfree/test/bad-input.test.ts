// Bad input throws a typed error before any shared memory is touched: each case checks that the
// map's buffers are byte-for-byte unchanged after the throw.
import { describe, expect, it } from 'vitest';
import { EpochDomain, ErrorCode, MAX_KEY_BYTES, MAX_VALUE_BYTES, SharedMap } from '../src/index.js';

const code = (c: string) => expect.objectContaining({ code: c });

function snapshot(map: SharedMap): [Uint8Array, Uint8Array] {
  return [new Uint8Array(map.handle.map).slice(), new Uint8Array(map.handle.epochs).slice()];
}

/**
 * Whether `buffer` holds exactly `bytes`: one memcmp. (toEqual compares a map's megabytes one
 * element at a time, seconds per test, and blocked the test worker long enough for vitest's
 * RPC to time out on a loaded 2-CPU machine.)
 */
function same(buffer: ArrayBufferLike | Uint8Array, bytes: Uint8Array): boolean {
  const view = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
  return Buffer.compare(view, bytes) === 0;
}

/** `map`'s buffers still hold what {@link snapshot} took. */
function unchanged(map: SharedMap, [data, epochs]: [Uint8Array, Uint8Array]): boolean {
  return same(map.handle.map, data) && same(map.handle.epochs, epochs);
}

describe('bad input', () => {
  it.each<[string, unknown, string, ErrorConstructor]>([
    ['a number option', { capacity: '8' }, ErrorCode.INVALID_ARGUMENT, TypeError],
    ['capacity 0', { capacity: 0 }, ErrorCode.OUT_OF_RANGE, RangeError],
    ['capacity 1.5', { capacity: 1.5 }, ErrorCode.OUT_OF_RANGE, RangeError],
    ['capacity above 2^24', { capacity: 2 ** 24 + 1 }, ErrorCode.OUT_OF_RANGE, RangeError],
    [
      'arenaBytes too small for the capacity',
      { capacity: 1 << 16, arenaBytes: 128 << 10 },
      ErrorCode.OUT_OF_RANGE,
      RangeError,
    ],
    ['arenaBytes above the maximum', { arenaBytes: 2 ** 31 }, ErrorCode.OUT_OF_RANGE, RangeError],
    ['threads 0', { threads: 0 }, ErrorCode.OUT_OF_RANGE, RangeError],
    ['options that are not an object', 'big', ErrorCode.INVALID_ARGUMENT, TypeError],
  ])('create() with %s', (_, options, c, type) => {
    expect(() => SharedMap.create(options as never)).toThrow(type);
    expect(() => SharedMap.create(options as never)).toThrow(code(c));
  });

  it('keys and values of the wrong type or too large; nothing shared changes', () => {
    const map = SharedMap.create({ capacity: 16, arenaBytes: 4 << 20, threads: 2 });
    map.set('present', Uint8Array.of(1, 2, 3));
    const before = snapshot(map);
    const tooLongKey = 'k'.repeat(MAX_KEY_BYTES + 1);
    const tooLongUtf8 = 'é'.repeat(MAX_KEY_BYTES / 2 + 1); // short in units, long in bytes
    const cases: [() => unknown, string, ErrorConstructor][] = [
      [() => map.get(42 as never), ErrorCode.INVALID_ARGUMENT, TypeError],
      [() => map.get(null as never), ErrorCode.INVALID_ARGUMENT, TypeError],
      [() => map.set({} as never, Uint8Array.of(1)), ErrorCode.INVALID_ARGUMENT, TypeError],
      [() => map.set('k', 'text' as never), ErrorCode.INVALID_ARGUMENT, TypeError],
      [() => map.set('k', [1, 2] as never), ErrorCode.INVALID_ARGUMENT, TypeError],
      [() => map.set('k', new ArrayBuffer(4) as never), ErrorCode.INVALID_ARGUMENT, TypeError],
      [() => map.set(tooLongKey, Uint8Array.of(1)), ErrorCode.RECORD_TOO_LARGE, RangeError],
      [() => map.set(tooLongUtf8, Uint8Array.of(1)), ErrorCode.RECORD_TOO_LARGE, RangeError],
      [() => map.set(new Uint8Array(MAX_KEY_BYTES + 1), Uint8Array.of(1)), ErrorCode.RECORD_TOO_LARGE, RangeError],
      [() => map.set('k', new Uint8Array(MAX_VALUE_BYTES + 1)), ErrorCode.RECORD_TOO_LARGE, RangeError],
      [() => map.compareAndSet('present', 'x' as never, undefined), ErrorCode.INVALID_ARGUMENT, TypeError],
      [() => map.compareAndSet('present', undefined, 7 as never), ErrorCode.INVALID_ARGUMENT, TypeError],
      [() => map.update('present', 'fn' as never), ErrorCode.INVALID_ARGUMENT, TypeError],
      [() => map.update('present', () => 'no' as never), ErrorCode.INVALID_ARGUMENT, TypeError],
      [() => map.setNumber('n', '1' as never), ErrorCode.INVALID_ARGUMENT, TypeError],
      [() => map.addNumber('n', null as never), ErrorCode.INVALID_ARGUMENT, TypeError],
      [() => map.setString('s', 5 as never), ErrorCode.INVALID_ARGUMENT, TypeError],
      [() => map.getNumber('present'), ErrorCode.INVALID_STATE, Error], // 3 bytes are not a number
      [() => map.addNumber('present', 1), ErrorCode.INVALID_STATE, Error],
      [() => map.delete(undefined as never), ErrorCode.INVALID_ARGUMENT, TypeError],
      [() => map.releaseThread(-1), ErrorCode.OUT_OF_RANGE, RangeError],
    ];
    for (const [call, c, type] of cases) {
      expect(call).toThrow(type);
      expect(call).toThrow(code(c));
    }
    expect(unchanged(map, before)).toBe(true);
    expect(map.get('present')).toEqual(Uint8Array.of(1, 2, 3));
    map.close();
  });

  it('running out of arena throws ERR_CORELANE_OUT_OF_MEMORY and changes nothing', () => {
    const map = SharedMap.create({ capacity: 2, arenaBytes: 160 << 10, threads: 2 });
    const big = new Uint8Array(40_000).fill(7);
    let stored = 0;
    expect(() => {
      for (; stored < 100; stored++) map.set(`k${stored}`, big);
    }).toThrow(code(ErrorCode.OUT_OF_MEMORY));
    expect(stored).toBeGreaterThan(0);
    expect(map.size).toBe(stored);
    expect(map.get(`k${stored}`)).toBeUndefined();
    // A failed replace leaves the old value; a failed compareAndSet changes nothing either.
    expect(() => map.set('k0', new Uint8Array(60_000))).toThrow(code(ErrorCode.OUT_OF_MEMORY));
    expect(map.get('k0')).toEqual(big);
    expect(() => map.compareAndSet('k0', big, new Uint8Array(60_000))).toThrow(code(ErrorCode.OUT_OF_MEMORY));
    expect(map.get('k0')).toEqual(big);
    // Deleting makes room again (after reclamation, which the allocation itself drives).
    for (let i = 0; i < stored; i++) expect(map.delete(`k${i}`)).toBe(true);
    map.set('again', big);
    expect(map.size).toBe(1);
    map.close();
  });

  it('a closed map object throws ERR_CORELANE_CLOSED; close() is idempotent', () => {
    const map = SharedMap.create({ threads: 2 });
    map.close();
    map.close();
    expect(map.closed).toBe(true);
    expect(() => map.get('k')).toThrow(code(ErrorCode.CLOSED));
    expect(() => map.set('k', Uint8Array.of(1))).toThrow(code(ErrorCode.CLOSED));
    expect(() => map.entries().next()).toThrow(code(ErrorCode.CLOSED));
  });
});

describe('attach to something that is not a map', () => {
  const good = SharedMap.create({ capacity: 8, threads: 4 });

  /** A copy of the good map buffer with the 32-bit word at `byte` replaced. */
  function corrupt(byte: number, value: number): SharedArrayBuffer {
    const source = good.handle.map;
    const copy = new SharedArrayBuffer(source.byteLength, { maxByteLength: source.maxByteLength });
    new Uint8Array(copy).set(new Uint8Array(source));
    new DataView(copy).setUint32(byte, value, true);
    return copy;
  }

  /** A copy of the good map buffer that may grow to `max` bytes, its header saying so. */
  function withMax(max: number): SharedArrayBuffer {
    const source = good.handle.map;
    const copy = new SharedArrayBuffer(source.byteLength, { maxByteLength: max });
    new Uint8Array(copy).set(new Uint8Array(source));
    new DataView(copy).setUint32(24, max, true);
    return copy;
  }

  /** A copy of the good epoch buffer with the 32-bit word at `byte` replaced. */
  function corruptEpochs(byte: number, value: number): SharedArrayBuffer {
    const copy = new SharedArrayBuffer(good.handle.epochs.byteLength);
    new Uint8Array(copy).set(new Uint8Array(good.handle.epochs));
    new DataView(copy).setUint32(byte, value, true);
    return copy;
  }

  it.each<[string, unknown]>([
    ['null', null],
    ['a buffer', new SharedArrayBuffer(64)],
    ['an object without buffers', {}],
    ['a string', 'handle'],
  ])('a handle that is %s: ERR_CORELANE_INVALID_ARGUMENT', (_, handle) => {
    expect(() => SharedMap.attach(handle as never)).toThrow(code(ErrorCode.INVALID_ARGUMENT));
  });

  it.each<[string, () => unknown]>([
    ['map is an ArrayBuffer', () => new ArrayBuffer(4096)],
    ['map is not growable', () => new SharedArrayBuffer(4096)],
    ['map is too short', () => new SharedArrayBuffer(64, { maxByteLength: 1 << 20 })],
    ['wrong magic', () => corrupt(0, 0x12345678)],
    ['an older layout version (1)', () => corrupt(4, 1)],
    ['an older layout version (2: 16-byte buckets)', () => corrupt(4, 2)],
    ['a newer layout version', () => corrupt(4, 4)],
    ['wrong kind', () => corrupt(8, 2)],
    ['wrong variant', () => corrupt(12, 1)],
    ['bad capacity', () => corrupt(16, 31)],
    ['wrong data offset', () => corrupt(20, 4096)],
    ['wrong byte length', () => corrupt(24, 12345)],
    ['arena top outside the buffer', () => corrupt(128, 0x7fff_0000)],
    ['segment 0 not at the arena start', () => corrupt(1536, 0)],
    ['a segment 0 larger than the buffer may grow', () => corrupt(16, 24)],
    ['a maxByteLength past MAX_ARENA_BYTES (offsets overflow int32)', () => withMax(2 ** 31)],
    ['the epoch buffer as the map', () => good.handle.epochs],
  ])('%s: ERR_CORELANE_BAD_MAP, nothing written', (_, make) => {
    const map = make();
    const bytes = map instanceof SharedArrayBuffer ? new Uint8Array(map).slice() : null;
    const epochsBefore = new Uint8Array(good.handle.epochs).slice();
    expect(() => SharedMap.attach({ map, epochs: good.handle.epochs } as never)).toThrow(code(ErrorCode.BAD_MAP));
    if (bytes !== null) expect(same(map as SharedArrayBuffer, bytes)).toBe(true);
    expect(same(good.handle.epochs, epochsBefore)).toBe(true);
  });

  it.each<[string, () => unknown]>([
    ['the map buffer as the epoch domain', () => good.handle.map],
    ['an empty buffer', () => new SharedArrayBuffer(0)],
    ['a zeroed buffer', () => new SharedArrayBuffer(good.handle.epochs.byteLength)],
    [
      'a truncated copy',
      () => {
        const copy = new SharedArrayBuffer(good.handle.epochs.byteLength - 128);
        new Uint8Array(copy).set(new Uint8Array(good.handle.epochs, 0, copy.byteLength));
        return copy;
      },
    ],
    ['an odd global epoch', () => corruptEpochs(128, 3)],
    ['more slots in use than it has', () => corruptEpochs(136, 100_000)],
  ])('epochs: %s: ERR_CORELANE_BAD_MAP', (_, make) => {
    const epochs = make();
    expect(() => SharedMap.attach({ map: good.handle.map, epochs } as never)).toThrow(code(ErrorCode.BAD_MAP));
    expect(() => EpochDomain.attach(epochs as SharedArrayBuffer)).toThrow(code(ErrorCode.BAD_MAP));
  });

  it("another map's epoch domain: ERR_CORELANE_BAD_MAP, nothing written", () => {
    const other = SharedMap.create({ capacity: 8, threads: 2 });
    const before = [new Uint8Array(good.handle.map).slice(), new Uint8Array(other.handle.epochs).slice()];
    expect(() => SharedMap.attach({ map: good.handle.map, epochs: other.handle.epochs })).toThrow(
      code(ErrorCode.BAD_MAP),
    );
    expect(same(good.handle.map, before[0] as Uint8Array) && same(other.handle.epochs, before[1] as Uint8Array)).toBe(
      true,
    );
    other.close();
  });

  it('a handle whose getters answer differently on each read attaches to what was checked', () => {
    good.set('checked', new Uint8Array([1, 2, 3]));
    let reads = 0;
    const zeroed = new SharedArrayBuffer(good.handle.map.byteLength, { maxByteLength: good.handle.map.maxByteLength });
    const handle = {
      get map() {
        return reads++ < 2 ? good.handle.map : zeroed; // validation and the pair check, then the attach
      },
      epochs: good.handle.epochs,
    };
    const attached = SharedMap.attach(handle);
    expect(attached.get('checked')).toEqual(new Uint8Array([1, 2, 3]));
    expect(attached.handle.map).toBe(good.handle.map);
    expect(new Uint8Array(zeroed).every((b) => b === 0)).toBe(true);
    attached.close();
    good.delete('checked');
  });

  it('the good handle still attaches', () => {
    const again = SharedMap.attach(good.handle);
    again.close();
  });
});
