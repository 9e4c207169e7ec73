// routeAsync(), writable() and the partitioner option in one thread, where every outcome is
// deterministic: a consumer attached here reads only when the test says so. (Across real
// worker threads: test/router-workers.test.ts.)
import { type ByteRingConsumer, ByteRingProducer } from '@corelane/spsc';
import { describe, expect, it } from 'vitest';
import { decodeRoutedRecord, jumpPartition, partition, Router, type RouterKey } from '../src/index.js';
import { localRings } from './helpers/local-rings.js';

const { rings, track } = localRings(256);

/** Everything ready in `consumer`: [key, first payload byte] per record. */
function drain(consumer: ByteRingConsumer): [RouterKey, number][] {
  const out: [RouterKey, number][] = [];
  consumer.read((bytes, type) => {
    const { key, payload } = decodeRoutedRecord(bytes, type);
    out.push([key instanceof Uint8Array ? key.slice() : key, payload[0] as number]);
  });
  return out;
}

/** Routes `key` with payload [i] until the ring is full; returns how many fit. */
function fillUp(router: Router, key: RouterKey): number {
  for (let i = 0; ; i++) {
    try {
      if (router.route(key, Uint8Array.of(i)) < 0) return i;
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_CORELANE_BACKPRESSURE') return i;
      throw error;
    }
  }
}

/** Settles within a few event-loop turns? (A pending promise stays 'pending'.) */
async function state(promise: Promise<unknown>): Promise<string> {
  let result = 'pending';
  promise.then(
    () => {
      result = 'resolved';
    },
    (error: { code?: string }) => {
      result = error.code ?? 'rejected';
    },
  );
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  return result;
}

async function rejection(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('Router.routeAsync()', () => {
  it('writes at once when there is room, like route()', async () => {
    const { buffers, consumers } = rings(3, 1024);
    const router = track(new Router(buffers));
    const target = await router.routeAsync('user-7', Uint8Array.of(5));
    expect(target).toBe(partition('user-7', 3));
    router.flush();
    expect(drain(consumers[target] as ByteRingConsumer)).toEqual([['user-7', 5]]);
  });

  it("'block': waits without blocking, calls to one target keep their order, others go ahead", async () => {
    const { buffers, consumers } = rings(2);
    const key = 'k';
    const full = partition(key, 2);
    const other = 1 - full;
    const otherKey = ['a', 'b', 'c', 'd', 'e'].find((k) => partition(k, 2) === other) as string;
    const router = track(new Router(buffers, { policy: 'block' }));
    // Fill the target with routeAsync() until a call has to wait.
    for (let fitted = 0; ; fitted++) {
      const p = router.routeAsync(key, Uint8Array.of(fitted));
      if ((await state(p)) === 'pending') {
        // p waits: queue two more behind it (a string key's bytes live in a scratch buffer that
        // later calls overwrite: the waiting calls must have kept their own copy)
        const q = router.routeAsync(key, Uint8Array.of(fitted + 1));
        const r = router.routeAsync(key, Uint8Array.of(fitted + 2));
        // route() to the full target would overtake them: refused, nothing written
        expect(() => router.route(key, Uint8Array.of(200))).toThrow(
          expect.objectContaining({ code: 'ERR_CORELANE_INVALID_STATE' }),
        );
        // other targets are not held up, and their string keys reuse the scratch buffer
        expect(await router.routeAsync(otherKey, Uint8Array.of(77))).toBe(other);
        expect(router.route(otherKey, Uint8Array.of(78))).toBe(other);
        expect(await state(q)).toBe('pending');
        // the consumer reads: the three waiting calls land, in call order
        const first = drain(consumers[full] as ByteRingConsumer);
        expect(first.map(([, i]) => i)).toEqual(Array.from({ length: fitted }, (_, i) => i));
        await Promise.all([p, q, r]);
        router.flush();
        expect(drain(consumers[full] as ByteRingConsumer)).toEqual([
          [key, fitted],
          [key, fitted + 1],
          [key, fitted + 2],
        ]);
        expect(drain(consumers[other] as ByteRingConsumer)).toEqual([
          [otherKey, 77],
          [otherKey, 78],
        ]);
        expect(router.stats()[full]).toMatchObject({ routed: fitted + 3, blockedWaits: 3 });
        // nothing waits any more: route() writes there again
        expect(router.route(key, Uint8Array.of(201))).toBe(full);
        return;
      }
      expect(await p).toBe(full);
    }
  });

  it("'block': a waiting call keeps its own copy of a Uint8Array key (the caller may reuse the buffer)", async () => {
    const { buffers, consumers } = rings(1);
    const router = track(new Router(buffers, { policy: 'block' }));
    const key = Uint8Array.of(1, 2, 3);
    let fitted = 0;
    let p = router.routeAsync(key, Uint8Array.of(0));
    while ((await state(p)) !== 'pending') p = router.routeAsync(key, Uint8Array.of(++fitted));
    key.fill(9); // reused while p waits
    expect(drain(consumers[0] as ByteRingConsumer)).toHaveLength(fitted);
    expect(await p).toBe(0);
    router.flush();
    expect(drain(consumers[0] as ByteRingConsumer)).toEqual([[Uint8Array.of(1, 2, 3), fitted]]);
  });

  it("'block' with timeoutMs rejects ERR_CORELANE_TIMEOUT with nothing written", async () => {
    const { buffers, consumers } = rings(1);
    const router = track(new Router(buffers, { timeoutMs: 30 }));
    let fitted = 0;
    for (;;) {
      const p = router.routeAsync(3, Uint8Array.of(fitted));
      if ((await state(p)) !== 'resolved') {
        expect(await rejection(p)).toBe('ERR_CORELANE_TIMEOUT');
        break;
      }
      fitted++;
    }
    expect(drain(consumers[0] as ByteRingConsumer).map(([, i]) => i)).toEqual(
      Array.from({ length: fitted }, (_, i) => i),
    );
    expect(router.stats()[0]).toMatchObject({ routed: fitted, blockedWaits: 1 });
  });

  it("'drop' resolves -1 and 'error' rejects ERR_CORELANE_BACKPRESSURE at once", async () => {
    const drop = rings(1);
    const dropper = track(new Router(drop.buffers, { policy: 'drop' }));
    const fitted = fillUp(dropper, 'x');
    expect(await dropper.routeAsync('x', Uint8Array.of(1))).toBe(-1);
    expect(dropper.stats()[0]).toMatchObject({ routed: fitted, dropped: 2 });
    const error = rings(1);
    const strict = track(new Router(error.buffers, { policy: 'error' }));
    fillUp(strict, 'x');
    expect(await rejection(strict.routeAsync('x', Uint8Array.of(1)))).toBe('ERR_CORELANE_BACKPRESSURE');
  });

  it('close() rejects the waiting calls with ERR_CORELANE_CLOSED, for attached rings and handed-in producers', async () => {
    for (const handedIn of [false, true]) {
      const { buffers, consumers } = rings(1);
      const target = handedIn ? track(new ByteRingProducer(buffers[0] as SharedArrayBuffer)) : buffers[0];
      const router = new Router([target as SharedArrayBuffer]);
      let p: Promise<number>;
      for (let i = 0; ; i++) {
        p = router.routeAsync('k', Uint8Array.of(i));
        if ((await state(p)) === 'pending') break;
      }
      const q = router.routeAsync('k', Uint8Array.of(250));
      router.close();
      expect(await rejection(p)).toBe('ERR_CORELANE_CLOSED');
      expect(await rejection(q)).toBe('ERR_CORELANE_CLOSED');
      expect(drain(consumers[0] as ByteRingConsumer).some(([, i]) => i === 250)).toBe(false);
      expect(await rejection(router.routeAsync('k', Uint8Array.of(1)))).toBe('ERR_CORELANE_CLOSED');
    }
  });

  it('rejects bad input with the typed errors of route(), writing nothing', async () => {
    const { buffers, consumers } = rings(1);
    const router = track(new Router(buffers));
    expect(await rejection(router.routeAsync(1.5, new Uint8Array(0)))).toBe('ERR_CORELANE_OUT_OF_RANGE');
    expect(await rejection(router.routeAsync('k', 'x' as never))).toBe('ERR_CORELANE_INVALID_ARGUMENT');
    expect(await rejection(router.routeAsync('k', new Uint8Array(200)))).toBe('ERR_CORELANE_RECORD_TOO_LARGE');
    router.flush();
    expect(drain(consumers[0] as ByteRingConsumer)).toEqual([]);
  });
});

describe('Router.writable()', () => {
  it('resolves true when there is room, false after timeoutMs, and true once the consumer reads', async () => {
    const { buffers, consumers } = rings(2);
    const router = track(new Router(buffers, { policy: 'error' }));
    const key = 'k';
    const target = partition(key, 2);
    expect(await router.writable(target)).toBe(true);
    fillUp(router, key);
    expect(await router.writable(target, 20, 8)).toBe(false);
    const waiting = router.writable(target, undefined, 8);
    expect(await state(waiting)).toBe('pending');
    drain(consumers[target] as ByteRingConsumer);
    expect(await waiting).toBe(true);
  });

  it('resolves false when the router closes, and refuses a bad target, timeout or length', async () => {
    const { buffers } = rings(2);
    const router = new Router(buffers, { policy: 'drop' });
    fillUp(router, 'k');
    const waiting = router.writable(partition('k', 2), undefined, 8);
    router.close();
    expect(await waiting).toBe(false);
    const fresh = track(new Router(rings(2).buffers));
    for (const bad of [-1, 2, 1.5, Number.NaN]) {
      expect(() => fresh.writable(bad)).toThrow(expect.objectContaining({ code: 'ERR_CORELANE_OUT_OF_RANGE' }));
    }
    expect(() => fresh.writable(0, -5)).toThrow(expect.objectContaining({ code: 'ERR_CORELANE_OUT_OF_RANGE' }));
    expect(() => fresh.writable(0, undefined, 10_000)).toThrow(
      expect.objectContaining({ code: 'ERR_CORELANE_OUT_OF_RANGE' }),
    );
  });
});

describe('Router: the partitioner option', () => {
  const keys: RouterKey[] = ['a', 'user-42', 'ünï', 7, -3, 2n ** 63n, Uint8Array.of(1, 2, 3), new Uint8Array(20)];

  it("'jump' routes every key to jumpPartition(key, size); targetOf() agrees", () => {
    const { buffers, consumers } = rings(5, 1024);
    const router = track(new Router(buffers, { partitioner: 'jump' }));
    expect(router.partitioner).toBe('jump');
    // Plus an ASCII key too long for the ASCII path (hashed from its UTF-8 encoding instead).
    const jumpKeys: RouterKey[] = [...keys, 'long-ascii-key-'.repeat(6)];
    jumpKeys.forEach((key, i) => {
      expect(router.targetOf(key)).toBe(jumpPartition(key, 5));
      expect(router.route(key, Uint8Array.of(i))).toBe(jumpPartition(key, 5));
    });
    router.flush();
    const arrived = consumers.flatMap((c, t) => drain(c).map(([key, i]) => [t, i, key] as const));
    expect(arrived).toHaveLength(jumpKeys.length);
    for (const [t, i, key] of arrived) {
      expect(t).toBe(jumpPartition(jumpKeys[i] as RouterKey, 5));
      expect(jumpPartition(key, 5)).toBe(t);
    }
    expect(keys.some((key) => jumpPartition(key, 5) !== partition(key, 5))).toBe(true);
  });

  it('a function decides the target; the key arrives as given', () => {
    const { buffers, consumers } = rings(3, 1024);
    const seen: RouterKey[] = [];
    const byKind = (key: RouterKey) => {
      seen.push(key);
      return typeof key === 'string' ? 0 : typeof key === 'number' ? 1 : 2;
    };
    const router = track(new Router(buffers, { partitioner: byKind }));
    expect(router.partitioner).toBe(byKind);
    keys.forEach((key, i) => {
      expect(router.route(key, Uint8Array.of(i))).toBe(byKind(key));
    });
    expect(router.targetOf('zz')).toBe(0);
    router.flush();
    expect(drain(consumers[0] as ByteRingConsumer).map(([k]) => k)).toEqual(['a', 'user-42', 'ünï']);
    expect(drain(consumers[1] as ByteRingConsumer).map(([k]) => k)).toEqual([7, -3]);
    expect(drain(consumers[2] as ByteRingConsumer)).toHaveLength(3);
  });

  it('a function whose key reuses the scratch buffer (a long non-ASCII string) still writes the right key', () => {
    const { buffers, consumers } = rings(2, 4096);
    const router = track(
      new Router(buffers, { partitioner: (key) => (partition(`${String(key)}${'é'.repeat(300)}`, 2) >= 0 ? 1 : 0) }),
    );
    router.route('ключ', Uint8Array.of(1));
    router.flush();
    expect(drain(consumers[1] as ByteRingConsumer)).toEqual([['ключ', 1]]);
  });

  it('a bad answer throws ERR_CORELANE_OUT_OF_RANGE with nothing written; a bad key is refused before the function runs', async () => {
    for (const answer of [-1, 2, 0.5, Number.NaN, '1', undefined]) {
      const { buffers, consumers } = rings(2);
      const router = track(new Router(buffers, { partitioner: () => answer as number }));
      expect(() => router.route('k', Uint8Array.of(1))).toThrow(
        expect.objectContaining({ code: 'ERR_CORELANE_OUT_OF_RANGE', name: 'RangeError' }),
      );
      expect(await rejection(router.routeAsync('k', Uint8Array.of(1)))).toBe('ERR_CORELANE_OUT_OF_RANGE');
      router.flush();
      expect(consumers.flatMap(drain)).toEqual([]);
      expect(router.stats().every((s) => s.routed === 0)).toBe(true);
    }
    let calls = 0;
    const counting = track(
      new Router(rings(2).buffers, {
        partitioner: () => {
          calls++;
          return 0;
        },
      }),
    );
    expect(() => counting.route({} as never, Uint8Array.of(1))).toThrow(
      expect.objectContaining({ code: 'ERR_CORELANE_INVALID_ARGUMENT' }),
    );
    expect(calls).toBe(0);
  });

  it('refuses a partitioner that is not modulo, jump or a function, before any ring is touched', () => {
    const { buffers } = rings(2);
    expect(() => new Router(buffers, { partitioner: 'rendezvous' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_CORELANE_OUT_OF_RANGE', name: 'RangeError' }),
    );
    for (const bad of [42, null, {}]) {
      expect(() => new Router(buffers, { partitioner: bad as never })).toThrow(
        expect.objectContaining({ code: 'ERR_CORELANE_INVALID_ARGUMENT', name: 'TypeError' }),
      );
    }
    const router = track(new Router(buffers, { partitioner: 'modulo' }));
    expect(router.partitioner).toBe('modulo');
    expect(router.targetOf('q')).toBe(partition('q', 2));
  });
});
