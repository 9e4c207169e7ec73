// The Router in one thread, where every outcome is deterministic: a consumer attached here that
// reads only when the test says so. The record format, the decoder, each full-ring policy,
// counters, flushing and closing. (test/router-workers.test.ts runs it across real threads.)
import { type ByteRingConsumer, ByteRingProducer } from '@corelane/spsc';
import { describe, expect, it } from 'vitest';
import {
  decodeRoutedRecord,
  isRoutedRecord,
  partition,
  type RoutedRecord,
  RoutedRecordType,
  Router,
  type RouterKey,
} from '../src/index.js';
import { localRings } from './helpers/local-rings.js';

const { rings, track } = localRings(1024);

/** Everything ready in `consumer`, decoded and copied (views die with the handler). */
function drain(consumer: ByteRingConsumer): { record: RoutedRecord; type: number }[] {
  const out: { record: RoutedRecord; type: number }[] = [];
  consumer.read((bytes, type) => {
    const { key, payload } = decodeRoutedRecord(bytes, type);
    out.push({ record: { key: key instanceof Uint8Array ? key.slice() : key, payload: payload.slice() }, type });
  });
  return out;
}

function expectCode(fn: () => unknown, code: string, kind: ErrorConstructor = Error): void {
  expect(fn).toThrow(kind);
  try {
    fn();
  } catch (error) {
    expect((error as { code?: string }).code).toBe(code);
  }
}

describe('Router: the record', () => {
  it('writes key and payload in the documented layout, with the key kind as the record type', () => {
    const { buffers, consumers } = rings(1);
    const router = track(new Router(buffers));
    router.route('héllo', Uint8Array.of(9, 8, 7));
    router.flush();
    const raw: number[][] = [];
    const types: number[] = [];
    (consumers[0] as ByteRingConsumer).read((bytes, type) => {
      raw.push([...bytes]);
      types.push(type);
    });
    // uint32 LE key length 6, the UTF-8 of "héllo", then the payload.
    expect(raw).toEqual([[6, 0, 0, 0, 0x68, 0xc3, 0xa9, 0x6c, 0x6c, 0x6f, 9, 8, 7]]);
    expect(types).toEqual([RoutedRecordType.STRING]);
  });

  it('round-trips every key kind; the decoded key routes to the same target', () => {
    const targets = 5;
    const { buffers, consumers } = rings(targets, 4096);
    const router = track(new Router(buffers));
    const keys: RouterKey[] = [
      'user-42',
      '中文 key 😀',
      '',
      Uint8Array.of(1, 2, 3),
      new Uint8Array(0),
      Buffer.from('buffer key'),
      new Uint8Array(100).fill(7),
      'x'.repeat(70),
      0,
      -1,
      Number.MAX_SAFE_INTEGER,
      Number.MIN_SAFE_INTEGER,
      0n,
      2n ** 64n - 1n,
      -(2n ** 63n),
    ];
    const sent = keys.map((key, i) => ({ key, target: router.route(key, Uint8Array.of(i, i + 1)) }));
    router.flush();
    const received = consumers.map(drain);
    for (const [i, { key, target }] of sent.entries()) {
      expect(target).toBe(partition(key, targets));
      const found = (received[target] ?? []).find((r) => r.record.payload[0] === i);
      expect(found, `key ${i}`).toBeDefined();
      const decoded = found?.record.key as RouterKey;
      expect(partition(decoded, targets)).toBe(target);
      if (typeof key === 'bigint') expect(decoded).toBe(BigInt.asUintN(64, key));
      else if (key instanceof Uint8Array) expect([...(decoded as Uint8Array)]).toEqual([...key]);
      else expect(decoded).toBe(key);
      expect([...(found?.record.payload ?? [])]).toEqual([i, i + 1]);
    }
    const stats = router.stats();
    expect(stats.reduce((s, t) => s + t.routed, 0)).toBe(keys.length);
    expect(stats.map((t) => t.routed)).toEqual(received.map((r) => r.length));
  });

  it('counts bytes as 4 + key + payload per record', () => {
    const { buffers } = rings(1);
    const router = track(new Router(buffers));
    router.route(Uint8Array.of(1, 2), new Uint8Array(10));
    router.route(7, new Uint8Array(1));
    expect(router.stats()).toEqual([{ routed: 2, dropped: 0, rejected: 0, blockedWaits: 0, bytes: 16 + 13 }]);
  });

  it('isRoutedRecord() and decodeRoutedRecord() refuse what a Router did not write', () => {
    expect(isRoutedRecord(RoutedRecordType.BYTES)).toBe(true);
    expect(isRoutedRecord(0)).toBe(false);
    expectCode(() => decodeRoutedRecord(Uint8Array.of(0, 0, 0, 0), 0), 'ERR_CORELANE_OUT_OF_RANGE', RangeError);
    expectCode(() => decodeRoutedRecord(Uint8Array.of(0, 0), RoutedRecordType.BYTES), 'ERR_CORELANE_OUT_OF_RANGE');
    expectCode(
      () => decodeRoutedRecord(Uint8Array.of(9, 0, 0, 0, 1), RoutedRecordType.BYTES),
      'ERR_CORELANE_OUT_OF_RANGE',
    );
    expectCode(
      () => decodeRoutedRecord(Uint8Array.of(2, 0, 0, 0, 1, 2), RoutedRecordType.NUMBER),
      'ERR_CORELANE_OUT_OF_RANGE',
    );
    expectCode(
      () => decodeRoutedRecord([0, 0, 0, 0] as unknown as Uint8Array, RoutedRecordType.BYTES),
      'ERR_CORELANE_INVALID_ARGUMENT',
      TypeError,
    );
  });
});

describe('Router: a full target', () => {
  /** Routes record i = payload [i] to the key that target 0 owns, until the ring says full. */
  function fill(router: Router, key: RouterKey, max = 1000): { written: number[]; outcomes: (number | string)[] } {
    const written: number[] = [];
    const outcomes: (number | string)[] = [];
    for (let i = 0; i < max; i++) {
      try {
        const t = router.route(key, Uint8Array.of(i & 0xff, i >> 8));
        outcomes.push(t);
        if (t >= 0) written.push(i);
      } catch (error) {
        outcomes.push((error as { code: string }).code);
      }
    }
    return { written, outcomes };
  }

  it("'error' throws ERR_CORELANE_BACKPRESSURE with nothing written, and works again once read", () => {
    const { buffers, consumers } = rings(2, 256);
    const router = track(new Router(buffers, { policy: 'error' }));
    const key = 'k';
    const target = partition(key, 2);
    const { written, outcomes } = fill(router, key, 20);
    expect(written.length).toBeGreaterThan(0);
    expect(written.length).toBeLessThan(20);
    expect(outcomes.slice(written.length).every((o) => o === 'ERR_CORELANE_BACKPRESSURE')).toBe(true);
    const got = drain(consumers[target] as ByteRingConsumer).map((r) => r.record.payload[0]);
    expect(got).toEqual(written);
    expect(router.route(key, Uint8Array.of(99))).toBe(target);
    expect(router.stats()[target]).toMatchObject({ routed: written.length + 1, rejected: 20 - written.length });
  });

  it("'drop' returns -1 and counts, nothing of a dropped record arrives", () => {
    const { buffers, consumers } = rings(1, 256);
    const router = track(new Router(buffers, { policy: 'drop' }));
    const { written, outcomes } = fill(router, 123, 30);
    expect(outcomes.slice(written.length).every((o) => o === -1)).toBe(true);
    expect(drain(consumers[0] as ByteRingConsumer).map((r) => r.record.payload[0])).toEqual(written);
    expect(router.stats()[0]).toMatchObject({ routed: written.length, dropped: 30 - written.length });
  });

  it("'block' with timeoutMs throws ERR_CORELANE_TIMEOUT with nothing written, and counts the wait", () => {
    const { buffers, consumers } = rings(1, 256);
    const router = track(new Router(buffers, { policy: 'block', timeoutMs: 20 }));
    const { written, outcomes } = fill(router, 5n, 12);
    expect(outcomes.slice(written.length).every((o) => o === 'ERR_CORELANE_TIMEOUT')).toBe(true);
    expect(router.stats()[0]?.blockedWaits).toBe(12 - written.length);
    expect(drain(consumers[0] as ByteRingConsumer).map((r) => r.record.payload[0])).toEqual(written);
  });

  it("'block' throws ERR_CORELANE_CLOSED instead of waiting for a consumer that has closed", () => {
    const { buffers, consumers } = rings(1, 256);
    const router = track(new Router(buffers));
    (consumers[0] as ByteRingConsumer).close();
    const { outcomes } = fill(router, 'k', 40);
    expect(outcomes.at(-1)).toBe('ERR_CORELANE_CLOSED');
  });
});

describe('Router: targets, flushing and closing', () => {
  it('takes producers too: close() flushes them and leaves them open (the caller owns them)', () => {
    const { buffers, consumers } = rings(2);
    const producers = buffers.map((b) => track(new ByteRingProducer(b, { autoFlush: false })));
    const router = new Router(producers);
    const t = router.route('a', Uint8Array.of(1));
    expect((consumers[t] as ByteRingConsumer).availableBytes).toBe(0); // not published yet
    router.close();
    expect(drain(consumers[t] as ByteRingConsumer)).toHaveLength(1);
    expect(producers.every((p) => !p.closed)).toBe(true);
  });

  it('close() closes the producers it attached; route() then throws ERR_CORELANE_CLOSED', () => {
    const { buffers, consumers } = rings(2);
    const router = new Router(buffers, { ring: { autoFlush: false } });
    router.route(1, new Uint8Array(0));
    router.close();
    router.close();
    expect(consumers.every((c) => c.peerClosed)).toBe(true);
    expect(consumers.reduce((n, c) => n + drain(c).length, 0)).toBe(1);
    expectCode(() => router.route(1, new Uint8Array(0)), 'ERR_CORELANE_CLOSED');
    // The producer role is free again.
    track(new Router(buffers));
  });

  it('ring.publishEvery publishes every so many records', () => {
    const { buffers, consumers } = rings(1, 4096);
    const router = track(new Router(buffers, { ring: { publishEvery: 3, autoFlush: false } }));
    router.route('a', Uint8Array.of(0));
    router.route('a', Uint8Array.of(1));
    expect(drain(consumers[0] as ByteRingConsumer)).toHaveLength(0);
    router.route('a', Uint8Array.of(2));
    expect(drain(consumers[0] as ByteRingConsumer)).toHaveLength(3);
  });

  it('targetOf() is partition(key, size), and routes nothing', () => {
    const { buffers } = rings(3);
    const router = track(new Router(buffers));
    for (const key of ['a', 'b', 7, 9n, Uint8Array.of(1)]) expect(router.targetOf(key)).toBe(partition(key, 3));
    expect(router.stats().every((s) => s.routed === 0)).toBe(true);
    expect(router.size).toBe(3);
    expect(router.policy).toBe('block');
  });
});

describe('Router: bad input', () => {
  it('refuses bad targets and options before any ring is touched', () => {
    const { buffers } = rings(2);
    const cases: [() => unknown, string][] = [
      [() => new Router([]), 'ERR_CORELANE_INVALID_ARGUMENT'],
      [() => new Router('rings' as never), 'ERR_CORELANE_INVALID_ARGUMENT'],
      [() => new Router([buffers[0], {}] as never), 'ERR_CORELANE_INVALID_ARGUMENT'],
      [() => new Router([new ArrayBuffer(1024)] as never), 'ERR_CORELANE_INVALID_ARGUMENT'],
      [() => new Router([buffers[0], buffers[0]] as never), 'ERR_CORELANE_INVALID_ARGUMENT'],
      [() => new Router(buffers, { policy: 'retry' as never }), 'ERR_CORELANE_OUT_OF_RANGE'],
      [() => new Router(buffers, { policy: 1 as never }), 'ERR_CORELANE_INVALID_ARGUMENT'],
      [() => new Router(buffers, { policy: 'drop', timeoutMs: 5 }), 'ERR_CORELANE_INVALID_ARGUMENT'],
      [() => new Router(buffers, { timeoutMs: -1 }), 'ERR_CORELANE_OUT_OF_RANGE'],
      [() => new Router(buffers, { timeoutMs: 1.5 }), 'ERR_CORELANE_OUT_OF_RANGE'],
      [() => new Router(buffers, 'fast' as never), 'ERR_CORELANE_INVALID_ARGUMENT'],
      [() => new Router(buffers, { ring: 3 as never }), 'ERR_CORELANE_INVALID_ARGUMENT'],
    ];
    for (const [fn, code] of cases) expectCode(fn, code);
    // None of them claimed a producer role.
    track(new Router(buffers));
  });

  it('a buffer that is not a byte ring throws the ring error, and releases the rings attached before it', () => {
    const { buffers } = rings(1);
    expectCode(
      () => new Router([buffers[0] as SharedArrayBuffer, new SharedArrayBuffer(1024)]),
      'ERR_CORELANE_BAD_RING',
    );
    track(new Router(buffers)); // the first ring's producer role was given back
  });

  it('refuses bad keys, payloads and records too large for the ring, writing nothing', () => {
    const { buffers, consumers } = rings(1, 256);
    const router = track(new Router(buffers));
    expectCode(() => router.route(1.5, new Uint8Array(0)), 'ERR_CORELANE_OUT_OF_RANGE', RangeError);
    expectCode(() => router.route(2n ** 64n, new Uint8Array(0)), 'ERR_CORELANE_OUT_OF_RANGE', RangeError);
    expectCode(() => router.route({} as never, new Uint8Array(0)), 'ERR_CORELANE_INVALID_ARGUMENT', TypeError);
    expectCode(() => router.route('k', 'payload' as never), 'ERR_CORELANE_INVALID_ARGUMENT', TypeError);
    expectCode(() => router.route('k', new Uint8Array(200)), 'ERR_CORELANE_RECORD_TOO_LARGE', RangeError);
    router.flush();
    expect(drain(consumers[0] as ByteRingConsumer)).toHaveLength(0);
    expect(router.stats()[0]?.routed).toBe(0);
  });
});

describe('Router: remembered string keys', () => {
  // route() remembers the target of each ASCII string key of up to 64 units it hashed and, when
  // the key comes again, writes its record without hashing it: the record and the target must
  // be the same either way, and every check must still hold on that path.
  const keys = ['user:1', 'order:48213', 'session:9f3a77c1', '', 'k', 'x'.repeat(64), 'y'.repeat(65), 'üser:7'];

  it.each(['modulo', 'jump'] as const)(
    "'%s': a key routed again goes to the same target, with the same record",
    (partitioner) => {
      const { buffers, consumers } = rings(3, 4096);
      const router = track(new Router(buffers, { partitioner, policy: 'error' }));
      const sent: { key: string; seq: number; target: number }[] = [];
      for (let seq = 0; seq < 5 * keys.length; seq++) {
        const key = keys[seq % keys.length] as string;
        const target = router.route(key, Uint8Array.of(seq, 0xa5, seq ^ 0xff));
        expect(target).toBe(router.targetOf(key));
        sent.push({ key, seq, target });
      }
      router.flush();
      const got = consumers.flatMap((consumer, target) =>
        drain(consumer).map(({ record, type }) => {
          expect(type).toBe(RoutedRecordType.STRING);
          expect([...record.payload.subarray(1)]).toEqual([0xa5, (record.payload[0] as number) ^ 0xff]);
          return { key: record.key, seq: record.payload[0] as number, target };
        }),
      );
      expect(got.sort((a, b) => a.seq - b.seq)).toEqual(sent);
    },
  );

  it('a custom partitioner is asked for every record (its answers are not remembered)', () => {
    const { buffers, consumers } = rings(2);
    let calls = 0;
    const router = track(
      new Router(buffers, {
        partitioner: () => {
          calls++;
          return calls % 2;
        },
      }),
    );
    for (let i = 0; i < 6; i++) expect(router.route('same-key', Uint8Array.of(i))).toBe((i + 1) % 2);
    expect(calls).toBe(6);
    router.flush();
    expect(drain(consumers[0] as ByteRingConsumer).map((r) => r.record.payload[0])).toEqual([1, 3, 5]);
  });

  it('a remembered key is still checked: bad payloads, records too large, a full ring', () => {
    const { buffers, consumers } = rings(1, 256);
    const router = track(new Router(buffers, { policy: 'error' }));
    expect(router.route('k', Uint8Array.of(1))).toBe(0); // now remembered
    const before = new Uint8Array(buffers[0] as SharedArrayBuffer).slice();
    expectCode(() => router.route('k', [1] as unknown as Uint8Array), 'ERR_CORELANE_INVALID_ARGUMENT', TypeError);
    expectCode(() => router.route('k', new Uint8Array(200)), 'ERR_CORELANE_RECORD_TOO_LARGE', RangeError);
    expect(new Uint8Array(buffers[0] as SharedArrayBuffer)).toEqual(before);
    let written = 1;
    for (;;) {
      try {
        router.route('k', Uint8Array.of(written + 1));
        written++;
      } catch (error) {
        expect((error as { code?: string }).code).toBe('ERR_CORELANE_BACKPRESSURE');
        break;
      }
    }
    expect(drain(consumers[0] as ByteRingConsumer).map((r) => r.record.payload[0])).toEqual(
      Array.from({ length: written }, (_, i) => i + 1),
    );
    expect(router.stats()[0]).toMatchObject({ routed: written, rejected: 1 });
    router.close();
    expectCode(() => router.route('k', Uint8Array.of(1)), 'ERR_CORELANE_CLOSED');
  });
});
