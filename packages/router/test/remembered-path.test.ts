// The remembered-key inline path must leave the rings byte-for-byte as the general path
// does (a custom partitioner with the same answers never takes the inline path).
import { allocateByteRing, ByteRingConsumer } from '@corelane/spsc';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { partition, Router } from '../src/index.js';

const KEYS = [
  '',
  'a',
  'ab',
  'abc',
  'abcd',
  'abcde',
  'user:1',
  'order:48213',
  'x'.repeat(63),
  'x'.repeat(64),
  'y'.repeat(65),
  'üser',
  '\ud800x',
  'é',
  '\x7f\x00',
];

/**
 * Two routers, each over `n` rings of its own with a consumer: `ra` (the one under test) and `rb`
 * (a custom partitioner with the same answers: the general path every time).
 */
function twins(
  n: number,
  capacity: number,
  makeA: (rings: SharedArrayBuffer[]) => Router,
  makeB: (rings: SharedArrayBuffer[], ra: Router) => Router,
) {
  const a = Array.from({ length: n }, () => allocateByteRing({ capacity }));
  const b = Array.from({ length: n }, () => allocateByteRing({ capacity }));
  const ca = a.map((r) => new ByteRingConsumer(r));
  const cb = b.map((r) => new ByteRingConsumer(r));
  const ra = makeA(a);
  const rb = makeB(b, ra);
  return {
    ra,
    rb,
    /** Publishes both, reads every ring, expects the same records (type and bytes): returns them. */
    readBoth(): number[][] {
      ra.flush();
      rb.flush();
      const ga: number[][] = [];
      const gb: number[][] = [];
      for (const c of ca) c.read((bytes, type) => void ga.push([type, ...bytes]));
      for (const c of cb) c.read((bytes, type) => void gb.push([type, ...bytes]));
      expect(ga).toEqual(gb);
      return ga;
    },
    /** Publishes both, expects the same bytes in every ring (records, padding, indexes) and the same stats. */
    expectSameRings(): void {
      ra.flush();
      rb.flush();
      for (let t = 0; t < n; t++) {
        expect(new Uint8Array(a[t] as SharedArrayBuffer)).toEqual(new Uint8Array(b[t] as SharedArrayBuffer));
      }
      expect(ra.stats()).toEqual(rb.stats());
    },
    close(): void {
      ra.close();
      rb.close();
      for (const c of [...ca, ...cb]) c.close();
    },
  };
}

describe('inline vs general path', () => {
  it('same ring bytes, across wraps and full rings', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ k: fc.nat(KEYS.length - 1), n: fc.nat(40), read: fc.boolean() }), {
          minLength: 1,
          maxLength: 300,
        }),
        fc.constantFrom('modulo' as const, 'jump' as const),
        fc.constantFrom('error' as const, 'drop' as const),
        (ops, by, policy) => {
          const n = 3;
          const custom = by === 'modulo' ? (k: unknown) => partition(k as string, n) : undefined;
          const twin = twins(
            n,
            512,
            (rings) => new Router(rings, { partitioner: by, policy }),
            (rings, ra) => new Router(rings, { partitioner: custom ?? ((k) => ra.targetOf(k)), policy }),
          );
          const { ra, rb } = twin;
          try {
            for (const op of ops) {
              const key = KEYS[op.k] as string;
              const payload = new Uint8Array(op.n).map((_, i) => (i * 31 + op.n) & 0xff);
              let ea: unknown = null;
              let eb: unknown = null;
              let ta = 0;
              let tb = 0;
              try {
                ta = ra.route(key, payload);
              } catch (e) {
                ea = (e as { code?: string }).code;
              }
              try {
                tb = rb.route(key, payload);
              } catch (e) {
                eb = (e as { code?: string }).code;
              }
              expect([ta, ea]).toEqual([tb, eb]);
              if (op.read) twin.readBoth();
            }
            twin.expectSameRings();
          } finally {
            twin.close();
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('remembered keys: packed words and short payloads', () => {
  it('any ASCII key of 0..64 units, routed again and again with payloads of 0..48 bytes: the same records and ring bytes as a router that remembers nothing', () => {
    // The remembered path copies a key's length word and units from words packed when the key was
    // first routed, and payloads of up to 32 bytes with a byte loop (set() above): a custom
    // partitioner with the same answers takes the general path every time.
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary-ascii', maxLength: 64 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.record({ k: fc.nat(5), n: fc.nat(48) }), { minLength: 1, maxLength: 120 }),
        (keys, ops) => {
          const twin = twins(
            2,
            1024,
            (rings) => new Router(rings, { policy: 'error' }),
            (rings) => new Router(rings, { policy: 'error', partitioner: (k) => partition(k as string, 2) }),
          );
          const { ra, rb } = twin;
          try {
            ops.forEach((op, i) => {
              const key = keys[op.k % keys.length] as string;
              const payload = Uint8Array.from({ length: op.n }, (_, j) => (i * 7 + j) & 0xff);
              expect(ra.route(key, payload)).toBe(rb.route(key, payload));
              expect(twin.readBoth()).toHaveLength(1);
            });
            twin.expectSameRings();
          } finally {
            twin.close();
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('keys the router cannot remember do not turn the cache off', () => {
  it.each([
    ['z'.repeat(64), 'control: another remembered key'],
    ['z'.repeat(65), 'longer than 64 units'],
    ['über', 'not ASCII'],
  ])('a hot ASCII key stays remembered while half the string keys are %s (%s)', (other) => {
    const buffers = [allocateByteRing({ capacity: 1 << 16 })];
    const consumer = new ByteRingConsumer(buffers[0] as SharedArrayBuffer);
    const router = new Router(buffers, { policy: 'error' });
    const long = other; // hot too; never remembered unless ASCII of <= 64 units
    const p = Uint8Array.of(1);
    try {
      for (let i = 0; i < 10_000; i++) {
        router.route('hot', p);
        router.route(long, p);
        if ((i & 255) === 0) {
          router.flush();
          consumer.read(() => {});
        }
      }
      router.flush();
      consumer.read(() => {});
      // Count the Map lookups route('hot') makes now: a remembered key is looked up (one get()
      // that finds it); with the cache switched off by the long key's misses, none is made.
      const get = Map.prototype.get;
      let hits = 0;
      Map.prototype.get = function (this: Map<unknown, unknown>, k: unknown) {
        const v = get.call(this, k);
        if (k === 'hot' && v !== undefined) hits++;
        return v;
      };
      try {
        for (let i = 0; i < 100; i++) router.route('hot', p);
      } finally {
        Map.prototype.get = get;
      }
      expect(hits).toBe(100);
    } finally {
      router.close();
      consumer.close();
    }
  });
});

describe('a remembered key while routeAsync() calls wait', () => {
  it('route() of a remembered key to the waiting target throws INVALID_STATE, writes nothing; order kept', async () => {
    const buffer = allocateByteRing({ capacity: 256 });
    const consumer = new ByteRingConsumer(buffer);
    const router = new Router([buffer], { policy: 'block' });
    try {
      let sent = 0;
      // Fill the ring with the (now remembered) key through route(), the inline path.
      for (;;) {
        const at = router.stats()[0]?.routed ?? 0;
        const p = router.routeAsync('k', Uint8Array.of(sent++));
        if ((router.stats()[0]?.routed ?? 0) === at) {
          // This one waits.
          let code: string | undefined;
          try {
            router.route('k', Uint8Array.of(200));
          } catch (e) {
            code = (e as { code?: string }).code;
          }
          expect(code).toBe('ERR_CORELANE_INVALID_STATE');
          const got: number[] = [];
          const take = () => consumer.read((bytes) => void got.push(bytes[bytes.length - 1] as number));
          take();
          await p;
          router.flush();
          take();
          expect(got).toEqual(Array.from({ length: sent }, (_, i) => i));
          return;
        }
        await p;
      }
    } finally {
      router.close();
      consumer.close();
    }
  });
});
