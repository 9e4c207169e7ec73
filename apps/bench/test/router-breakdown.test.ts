import { Router } from '@corelane/router';
import { allocateByteRing, ByteRingProducer } from '@corelane/spsc';
import { describe, expect, it } from 'vitest';
import { Breakdown, type BreakdownSample, bareWriter, timeChunks } from '../src/suites/router/breakdown.js';

const sample = (scale: number): BreakdownSample => ({
  endToEnd: 500 * scale,
  loop: 450 * scale,
  running: 200 * scale,
  target: 10 * scale,
  hash: 40 * scale,
  claim: 20 * scale,
  route: 130 * scale,
  floor: 90 * scale,
  blockedWaits: 2 * scale,
  preempted: 3 * scale,
  consumerSleeps: 50 * scale,
  peerLoop: 150 * scale,
});

describe('router throughput breakdown', () => {
  it('says nothing before a sample, then medians of the recorded samples (the warm-up left out)', () => {
    const breakdown = new Breakdown();
    expect(breakdown.describe()).toBe('');
    breakdown.add(sample(100)); // the warm-up: far off, and not counted
    for (const scale of [1, 3, 2]) breakdown.add(sample(scale));
    const text = breakdown.describe();
    expect(text).toContain('medians of 3 samples');
    // Medians of scale 2: end to end 1000, loop 900, running 400, stalled 500, target 20, hash 80,
    // claim 40, copy 260 - 20 - 40 = 200, publish 400 - 260 = 140, tail 1000 - 900 = 100.
    expect(text).toContain('end to end 1000;');
    expect(text).toContain('loop 900, running at 400 and stalled 500');
    expect(text).toContain('4 waits per sample; preempted 6 times per sample, while the consumers slept 100 times');
    expect(text).toContain('(TargetCache.get, a Map lookup) 20');
    expect(text).toContain('(partition: 80) —, claim (claimOffset + commit) 40');
    expect(text).toContain('checks 200 (single-thread route() 260');
    expect(text).toContain('no ring protocol: 180)');
    expect(text).toContain('cores) 140 (running');
    expect(text).toContain('finish 100 after');
    expect(text).toContain('runs at 300.');
  });

  it('times every record once, chunk by chunk, with the step between chunks after each', () => {
    const seen: number[] = [];
    const between: number[] = [];
    const perChunk = timeChunks(
      2500,
      (from, to) => {
        for (let i = from; i < to; i++) seen.push(i);
      },
      () => between.push(seen.length),
    );
    expect(seen).toEqual(Array.from({ length: 2500 }, (_, i) => i));
    expect(between).toEqual([1024, 2048, 2500]);
    expect(perChunk).toHaveLength(3);
    for (const ns of perChunk) expect(ns).toBeGreaterThanOrEqual(0);
  });

  it("the floor stores exactly the bytes route() writes into each target's ring, record for record", () => {
    const encoder = new TextEncoder();
    const keys = Array.from({ length: 1024 }, (_, i) => `order:${i * 7919}`);
    const keyBytes = keys.map((key) => encoder.encode(key));
    const payloads = Array.from({ length: 3000 }, (_, i) => {
      const payload = new Uint8Array(32);
      new DataView(payload.buffer).setUint32(0, i, true);
      for (let j = 4; j < 32; j++) payload[j] = (i * 31 + j) & 0xff;
      return payload;
    });
    const ringBytes = 256 * 1024; // room for every record: neither side wraps
    const producers = [0, 1].map(() => new ByteRingProducer(allocateByteRing({ capacity: ringBytes })));
    const router = new Router(producers, { policy: 'error' });
    payloads.forEach((payload, i) => {
      router.route(keys[i & 1023] as string, payload);
    });
    const bare = bareWriter({ keys, keyBytes, payloads }, 2, ringBytes);
    bare.writeRange(0, payloads.length);
    producers.forEach((producer, t) => {
      const used = bare.tails[t] as number;
      expect(used).toBeGreaterThan(0);
      expect(
        Buffer.from((bare.bytes[t] as Uint8Array).subarray(0, used)).equals(
          Buffer.from(producer.data.subarray(0, used)),
        ),
      ).toBe(true);
    });
    expect(router.stats().reduce((sum, target) => sum + target.routed, 0)).toBe(payloads.length);
    router.close();
    for (const producer of producers) producer.close();
  });
});
