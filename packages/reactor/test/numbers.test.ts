// Number values across real cores: int32s travel in the frame itself (no codec), every other
// number through msgpack; both must decode to exactly what msgpack alone would give, main →
// core → main and core → core, with per-key sequence numbers and checksums for keyed sends.
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { Runtime } from '../dist/index.js';

const CORES = new URL('./cores/numbers.mjs', import.meta.url);
const packr = new Packr({ useRecords: true, mapsAsObjects: false, moreTypes: true });

/** What the default codec alone makes of `v`. */
const viaMsgpack = (v: number) => packr.unpack(packr.pack(v)) as number;

/** Edge numbers around the int32 fast path, then a spread of both kinds. */
function numbers(count: number): number[] {
  const edges = [0, -0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, -(2 ** 31) - 1, 2 ** 32, 2 ** 53 - 1, -(2 ** 53)];
  const more = [0.5, -1.25, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.MIN_VALUE, 1e300];
  const out = [...edges, ...more];
  for (let i = 0; out.length < count; i++) {
    out.push(Math.imul(i, 0x9e3779b1)); // int32s over the whole range
    out.push(i * 2 ** 20 + 0.5); // doubles
    out.push((i % 2 === 0 ? 1 : -1) * (2 ** 31 + i)); // integers just past int32
  }
  return out.slice(0, count);
}

function mix(sum: number, x: number): number {
  return (Math.imul(sum ^ x, 0x9e3779b1) + 0x7f4a7c15) | 0;
}

describe('number values', () => {
  it('main → core → main: every echo is exactly what msgpack gives, on every core', async () => {
    const rt = await Runtime.start({ module: CORES, cores: 2, pin: false });
    try {
      const values = numbers(6_000);
      for (let from = 0; from < values.length; from += 1_000) {
        const batch = values.slice(from, from + 1_000);
        const replies = await Promise.all(batch.map((v, i) => rt.requestTo((from + i) % 2, v)));
        replies.forEach((reply, i) => {
          const v = batch[i] as number;
          if (!Object.is(reply, viaMsgpack(v))) expect({ v, reply }).toEqual({ v, reply: viaMsgpack(v) });
        });
      }
      // undefined still travels as the no-value flag.
      expect(await rt.requestTo(0, undefined)).toBeUndefined();
    } finally {
      await rt.stop();
    }
  });

  it('core → core: requests with number values are echoed exactly', async () => {
    const rt = await Runtime.start({ module: CORES, cores: 2, pin: false });
    try {
      // Only values msgpack keeps as they are (-0 becomes 0 through msgpack anyway).
      const values = numbers(3_000).filter((v) => Object.is(viaMsgpack(v), v));
      expect(values.length).toBeGreaterThan(2_900);
      const [a, b] = (await Promise.all([
        rt.requestTo(0, { op: 'relay', to: 1, values }),
        rt.requestTo(1, { op: 'relay', to: 0, values }),
      ])) as { mismatches: number; count: number }[];
      expect(a).toEqual({ mismatches: 0, count: values.length });
      expect(b).toEqual({ mismatches: 0, count: values.length });
    } finally {
      await rt.stop();
    }
  });

  it('keyed number sends arrive at their owner in order, none lost or duplicated', async () => {
    const rt = await Runtime.start({ module: CORES, cores: 2, pin: false, ring: 4096 });
    try {
      const keys = 64;
      const perKey = 2_000;
      const expected = [0, 0];
      const received = [0, 0];
      for (let seq = 0; seq < perKey; seq++) {
        for (let k = 0; k < keys; k++) {
          // Even sequence numbers as int32s (the fast path), odd ones as doubles (msgpack).
          rt.send(k, seq % 2 === 0 ? seq : seq + 0.25);
          const owner = rt.owner(k);
          expected[owner] = mix(expected[owner] as number, seq + k);
          received[owner] = (received[owner] as number) + 1;
        }
        if (seq % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      const reports = (await rt.broadcast({ op: 'report' })) as {
        received: number;
        checksum: number;
        wrong: number;
        keys: number;
      }[];
      reports.forEach((r, core) => {
        expect(r.wrong).toBe(0);
        expect(r.received).toBe(received[core]);
        expect(r.checksum).toBe(expected[core]);
      });
      expect(reports.reduce((n, r) => n + r.keys, 0)).toBe(keys);
    } finally {
      await rt.stop();
    }
  });
});
