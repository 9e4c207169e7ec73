// JS worker → JS worker over real threads, checked by sequence and checksum. Every run is bounded
// in count and time; a lost wake-up shows up as a timed-out side, never as a hung test.
import { describe, it } from 'vitest';
import { allocateByteRing, allocateRing, type ElementType } from '../src/index.js';
import { jsPair as pair } from './helpers/pair.js';

const TIMEOUT = 40_000;

describe('slot ring, JS worker → JS worker', () => {
  it.each<[ElementType, number]>([
    ['int32', 200_000],
    ['float64', 100_000],
    ['bigint64', 50_000],
  ])('%s: %i values arrive in order, spinning sides', async (type, count) => {
    const ring = allocateRing({ capacity: 1024, type });
    await pair(ring, 'slot', { count, timeoutMs: TIMEOUT, wait: 'spin' }, { count, timeoutMs: TIMEOUT, wait: 'spin' });
  });

  // The producer publishes every value and the consumer polls with pop(), so nearly every poll
  // finds the ring empty and reads the slot the next value lands in (8-byte slots: two words
  // each) while the producer writes it: values must still arrive exact, in order, across wraps.
  it.each<[ElementType, number]>([
    ['int32', 100_000],
    ['float64', 50_000],
    ['bigint64', 30_000],
  ])('%s: %i values one at a time, the consumer polling pop() on an empty ring', async (type, count) => {
    const ring = allocateRing({ capacity: 64, type });
    await pair(
      ring,
      'slot',
      { count, timeoutMs: TIMEOUT, wait: 'spin', publishEvery: 1 },
      { count, timeoutMs: TIMEOUT, wait: 'spin', pop: true },
    );
  });

  it('a small ring that is full most of the time: both sides park (sync waits)', async () => {
    const count = 30_000;
    const ring = allocateRing({ capacity: 16 });
    await pair(
      ring,
      'slot',
      { count, timeoutMs: TIMEOUT, wait: 'park', publishEvery: 4 },
      { count, timeoutMs: TIMEOUT, wait: 'park', pop: true, publishEvery: 4 },
    );
  });

  it('lost-wake-up test: the consumer parks after every single value, the producer publishes each one', async () => {
    const count = 5_000;
    const ring = allocateRing({ capacity: 64 });
    await pair(
      ring,
      'slot',
      { count, timeoutMs: TIMEOUT, wait: 'park', publishEvery: 1 },
      { count, timeoutMs: TIMEOUT, wait: 'park', perMessage: true },
    );
  });

  it('async waits (readable()/writable()) keep both event loops alive', async () => {
    const count = 20_000;
    const ring = allocateRing({ capacity: 32 });
    await pair(
      ring,
      'slot',
      { count, timeoutMs: TIMEOUT, wait: 'async', publishEvery: 8 },
      { count, timeoutMs: TIMEOUT, wait: 'async', perMessage: true },
    );
  });

  it('a producer that never flushes or closes still has every value delivered (microtask auto-flush)', async () => {
    const count = 1_000;
    const ring = allocateRing({ capacity: 4096 });
    // batch larger than count, and the producer keeps the ring open until the consumer is done:
    // only the microtask at the end of the producer's task can publish
    await pair(
      ring,
      'slot',
      { count, timeoutMs: TIMEOUT, wait: 'spin', publishEvery: 4096, lingerUntilPeerCloses: true },
      { count, timeoutMs: TIMEOUT, wait: 'park' },
    );
  });
});

describe('byte ring, JS worker → JS worker', () => {
  it('records of every length 0..max, wrapping at every offset, both sides parking', async () => {
    // Records up to half the ring: it holds one or two at a time. Parking, not spinning: two
    // spinning threads that share a busy core hand over one record per time slice (milliseconds).
    const ring = allocateByteRing({ capacity: 4096 });
    const count = 20_000;
    const spec = { count, timeoutMs: TIMEOUT, wait: 'park', maxLength: 2040 } as const;
    await pair(ring, 'byte', spec, spec);
  });

  it('records of 0..120 bytes, wrapping at every offset, spinning sides', async () => {
    const ring = allocateByteRing({ capacity: 4096 });
    const count = 50_000;
    const spec = { count, timeoutMs: TIMEOUT, wait: 'spin', maxLength: 120 } as const;
    await pair(ring, 'byte', spec, spec);
  });

  it('records of 0..120 bytes in place (claimOffset / readOffsets), wrapping at every offset', async () => {
    const ring = allocateByteRing({ capacity: 4096 });
    const spec = { count: 30_000, timeoutMs: TIMEOUT, wait: 'spin', maxLength: 120, inPlace: true } as const;
    await pair(ring, 'byte', spec, spec);
  });

  it('32-byte records through a small ring, both sides parking', async () => {
    const ring = allocateByteRing({ capacity: 256 });
    const count = 30_000;
    const spec = { count, timeoutMs: TIMEOUT, wait: 'park', fixedLength: 32, publishEvery: 4 } as const;
    await pair(ring, 'byte', spec, spec);
  });

  it('lost-wake-up test: the consumer parks after every record', async () => {
    const ring = allocateByteRing({ capacity: 1024 });
    const count = 5_000;
    await pair(
      ring,
      'byte',
      { count, timeoutMs: TIMEOUT, wait: 'park', publishEvery: 1, maxLength: 100 },
      { count, timeoutMs: TIMEOUT, wait: 'park', perMessage: true, maxLength: 100 },
    );
  });

  it('async waits on both sides', async () => {
    const ring = allocateByteRing({ capacity: 512 });
    const count = 10_000;
    const spec = { count, timeoutMs: TIMEOUT, wait: 'async', maxLength: 200, publishEvery: 2 } as const;
    await pair(ring, 'byte', spec, { ...spec, perMessage: true });
  });
});
