// The C++ twin and JS speak the same protocol: a native thread produces what a JS worker consumes
// and back, for both ring kinds, with sequence numbers and checksums, bounded in count and time.
import { describe, expect, it } from 'vitest';
import { allocateByteRing, allocateRing, capabilities, type ElementType, NativeRingThread } from '../src/index.js';
import { type JsSpec, jsSide, type SideReport } from './helpers/pair.js';

const TIMEOUT = 40_000;

function check(p: SideReport, c: SideReport, count: number) {
  expect(p.timedOut).toBe(false);
  expect(c.timedOut).toBe(false);
  expect(p.count).toBe(count);
  expect(c.count).toBe(count);
  expect(c.errors).toBe(0);
  expect(c.checksum).toBe(p.checksum);
}

async function nativeToJs(buffer: SharedArrayBuffer, kind: 'slot' | 'byte', js: JsSpec, native: object = {}) {
  const thread = NativeRingThread.start(buffer, { role: 'producer', count: js.count, timeoutMs: TIMEOUT, ...native });
  const consumer = await jsSide(buffer, kind, 'consumer', js);
  check(await thread.finished(), consumer, js.count);
}

async function jsToNative(buffer: SharedArrayBuffer, kind: 'slot' | 'byte', js: JsSpec, native: object = {}) {
  const thread = NativeRingThread.start(buffer, { role: 'consumer', count: js.count, timeoutMs: TIMEOUT, ...native });
  const producer = await jsSide(buffer, kind, 'producer', js);
  check(producer, await thread.finished(), js.count);
}

describe('native threads', () => {
  it('are available in this build, and so are futex sleeps for JS sides', () => {
    expect(capabilities()).toEqual({
      nativeThreads: { supported: true, reason: expect.any(String) },
      futex: { supported: true, reason: expect.any(String) },
    });
  });
});

describe('slot ring: native ⇄ JS', () => {
  it.each<ElementType>(['int32', 'float64', 'bigint64'])('%s: native thread → JS worker', async (type) => {
    await nativeToJs(allocateRing({ capacity: 256, type }), 'slot', {
      count: 100_000,
      timeoutMs: TIMEOUT,
      wait: 'spin',
    });
  });

  it.each<ElementType>(['int32', 'float64', 'bigint64'])('%s: JS worker → native thread', async (type) => {
    await jsToNative(allocateRing({ capacity: 256, type }), 'slot', {
      count: 100_000,
      timeoutMs: TIMEOUT,
      wait: 'spin',
    });
  });

  it('native → JS with the JS consumer parking after every value', async () => {
    await nativeToJs(
      allocateRing({ capacity: 16 }),
      'slot',
      { count: 3_000, timeoutMs: TIMEOUT, wait: 'park', perMessage: true },
      { publishEvery: 1 },
    );
  });

  it('JS → native with the JS producer parking whenever the ring is full', async () => {
    await jsToNative(allocateRing({ capacity: 8 }), 'slot', {
      count: 20_000,
      timeoutMs: TIMEOUT,
      wait: 'park',
      publishEvery: 2,
    });
  });
});

describe('byte ring: native ⇄ JS', () => {
  // Records up to half the ring: it holds one or two at a time, so the JS side parks (a JS side
  // spinning against a native thread on a shared busy core hands over one record per time slice).
  it('native thread → JS worker, records of every length 0..max, the JS side parking', async () => {
    const ring = allocateByteRing({ capacity: 2048 });
    await nativeToJs(ring, 'byte', { count: 3_000, timeoutMs: TIMEOUT, wait: 'park', maxLength: 1016 });
  });

  it('JS worker → native thread, records of every length 0..max, the JS side parking', async () => {
    const ring = allocateByteRing({ capacity: 2048 });
    await jsToNative(
      ring,
      'byte',
      { count: 3_000, timeoutMs: TIMEOUT, wait: 'park', maxLength: 1016 },
      { maxLength: 1016 },
    );
  });

  it.each(['native thread → JS worker', 'JS worker → native thread'])(
    '%s, records of 0..120 bytes, the JS side spinning',
    async (direction) => {
      const ring = allocateByteRing({ capacity: 2048 });
      const js = { count: 20_000, timeoutMs: TIMEOUT, wait: 'spin', maxLength: 120 } as const;
      if (direction.startsWith('native')) await nativeToJs(ring, 'byte', js, { maxLength: 120 });
      else await jsToNative(ring, 'byte', js, { maxLength: 120 });
    },
  );

  it('native → JS, 256-byte records, the JS consumer parking after every record', async () => {
    const ring = allocateByteRing({ capacity: 1024 });
    await nativeToJs(
      ring,
      'byte',
      { count: 3_000, timeoutMs: TIMEOUT, wait: 'park', perMessage: true, fixedLength: 256 },
      { fixedLength: 256, publishEvery: 1 },
    );
  });

  it.each(['park', 'async'] as const)(
    'native → JS in lockstep, the JS consumer (%s) sleeping in futex(2) for every record',
    async (wait) => {
      const ring = allocateByteRing({ capacity: 1024 });
      await nativeToJs(
        ring,
        'byte',
        { count: 1_000, timeoutMs: TIMEOUT, wait, perMessage: true, fixedLength: 32 },
        { fixedLength: 32, publishEvery: 1, lockstep: true },
      );
    },
  );

  it('JS → native, the native consumer parked in futex(2) and woken by the JS producer', async () => {
    const ring = allocateByteRing({ capacity: 1024 });
    await jsToNative(
      ring,
      'byte',
      { count: 300, timeoutMs: TIMEOUT, wait: 'park', fixedLength: 32, pauseMsEvery: 1 },
      { fixedLength: 32 },
    );
  });

  it.each(['native thread → JS worker', 'JS worker → native thread'])(
    '%s, records of 0..120 bytes in place (claimOffset / readOffsets)',
    async (direction) => {
      const ring = allocateByteRing({ capacity: 2048 });
      const js = { count: 10_000, timeoutMs: TIMEOUT, wait: 'park', maxLength: 120, inPlace: true } as const;
      if (direction.startsWith('native')) await nativeToJs(ring, 'byte', js, { maxLength: 120 });
      else await jsToNative(ring, 'byte', js, { maxLength: 120 });
    },
  );

  it('JS → native, async waits on the JS side', async () => {
    const ring = allocateByteRing({ capacity: 256 });
    await jsToNative(
      ring,
      'byte',
      { count: 10_000, timeoutMs: TIMEOUT, wait: 'async', fixedLength: 32 },
      { fixedLength: 32 },
    );
  });
});
