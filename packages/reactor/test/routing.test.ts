// Keys route to the core partition(key, cores) names, in per-key order, none lost or
// duplicated — over REACTOR_TEST_MESSAGES messages (default 10^6) with 'block', and with the
// counts adding up under 'drop' and 'error' when the rings are tiny and the cores slow.
import { partition } from '@corelane/router';
import { describe, expect, it } from 'vitest';
import { type Report, recChecksum, sleep, withLab } from './helpers/lab.js';

const MESSAGES = Number(process.env.REACTOR_TEST_MESSAGES ?? 1_000_000);
const KEYS = 1000;

function keyOf(i: number): string | number | bigint | Uint8Array {
  // Every kind of key the router takes: strings, safe integers, bigints, bytes.
  switch (i % 4) {
    case 0:
      return `user:${i}`;
    case 1:
      return i * 7919;
    case 2:
      return BigInt(i) * 1_000_000_007n;
    default:
      return new Uint8Array([i & 0xff, (i >> 8) & 0xff, 42]);
  }
}

interface Expected {
  received: number[];
  checksum: number[];
}

/** Sends `count` 'rec' messages over KEYS keys; returns what each core must have seen, given the accepted ones. */
function sendAll(
  send: (key: unknown, value: unknown) => boolean,
  cores: number,
  count: number,
): Expected & { accepted: number; refused: number } {
  const keys = Array.from({ length: KEYS }, (_, i) => keyOf(i));
  const owners = keys.map((k) => partition(k as string, cores));
  const next = new Array<number>(KEYS).fill(0);
  const expected: Expected = { received: new Array(cores).fill(0), checksum: new Array(cores).fill(0) };
  let accepted = 0;
  let refused = 0;
  for (let seq = 0; seq < count; seq++) {
    const k = (seq * 7) % KEYS;
    const ks = next[k] as number;
    let ok: boolean;
    try {
      ok = send(keys[k], { op: 'rec', seq, ks });
    } catch (error) {
      expect((error as { code?: string }).code).toBe('ERR_CORELANE_BACKPRESSURE');
      ok = false;
    }
    if (!ok) {
      refused++;
      continue;
    }
    next[k] = ks + 1;
    accepted++;
    const owner = owners[k] as number;
    expected.received[owner] = (expected.received[owner] as number) + 1;
    expected.checksum[owner] = recChecksum(expected.checksum[owner] as number, seq, ks);
  }
  return { ...expected, accepted, refused };
}

describe('routing', () => {
  it(`${MESSAGES} messages under 'block': every one at its key's core, in order, exactly once`, async () => {
    await withLab({ cores: 2, backpressure: 'block' }, async (rt) => {
      const expected = sendAll((k, v) => rt.send(k as string, v), rt.size, MESSAGES);
      expect(expected.accepted).toBe(MESSAGES);
      const reports = (await rt.broadcast({ op: 'report' })) as Report[];
      for (const r of reports) {
        expect(r.wrongCore).toBe(0);
        expect(r.outOfOrder).toBe(0);
        expect(r.received).toBe(expected.received[r.core]);
        expect(r.checksum).toBe(expected.checksum[r.core]);
      }
      expect(reports.reduce((n, r) => n + r.received, 0)).toBe(MESSAGES);
      // stats() counts the same messages (+ the report requests), once each core published them.
      const counted = () => rt.stats().cores.reduce((n, c) => n + c.messagesIn, 0);
      for (let i = 0; i < 400 && counted() < MESSAGES + 2; i++) await sleep(5);
      expect(counted()).toBe(MESSAGES + 2);
      expect(rt.stats().cores.reduce((n, c) => n + c.requests, 0)).toBe(2);
    });
  }, 120_000);

  it("cores 'all' (the default): one pinned core per physical core, on distinct CPUs", async () => {
    await withLab({}, async (rt) => {
      expect(rt.size).toBeGreaterThanOrEqual(1);
      expect(rt.pinning).toEqual({ pinned: true, reason: '' });
      expect(new Set(rt.cpus).size).toBe(rt.size);
      const who = (await rt.broadcast({ op: 'ctx' })) as { core: number; cores: number }[];
      expect(who.map((w) => w.core)).toEqual(Array.from({ length: rt.size }, (_, i) => i));
    });
  }, 60_000);

  for (const policy of ['drop', 'error'] as const) {
    it(`'${policy}': what was accepted arrives, what was refused is counted, and the two add up`, async () => {
      // Tiny rings, no overflow room, and a core that starts busy: some sends must be refused.
      await withLab({ cores: 2, ring: 4096, backpressure: { policy, overflow: 0 } }, async (rt) => {
        const busy = rt.broadcast({ op: 'spin', ms: 50 });
        const count = 20_000;
        const expected = sendAll((k, v) => rt.send(k as string, v), rt.size, count);
        await busy;
        expect(expected.accepted + expected.refused).toBe(count);
        expect(expected.refused).toBeGreaterThan(0);
        if (policy === 'drop') expect(rt.stats().main.dropped).toBe(expected.refused);
        // The rings may still be full: the report request itself is refused until they drain.
        let reports: Report[] | null = null;
        for (let i = 0; i < 1000 && reports === null; i++) {
          reports = (await rt.broadcast({ op: 'report' }).catch(() => null)) as Report[] | null;
          if (reports === null) await sleep(5);
        }
        if (reports === null) throw new Error('the cores never drained their rings');
        for (const r of reports) {
          expect(r.wrongCore).toBe(0);
          expect(r.outOfOrder).toBe(0);
          expect(r.received).toBe(expected.received[r.core]);
          expect(r.checksum).toBe(expected.checksum[r.core]);
        }
      });
    }, 60_000);
  }

  it('request() reaches the owner of its key; a core asks another through the mesh', async () => {
    await withLab({ cores: 2 }, async (rt) => {
      for (let i = 0; i < 200; i++) {
        const key = keyOf(i) as string;
        expect(await rt.request(key, { op: 'who' })).toEqual({ core: partition(key, 2), key });
        // core 0 asks for the owner of `key` (which may be core 0 itself or core 1)
        expect(await rt.requestTo(i % 2, { op: 'ask', key })).toEqual({ core: partition(key, 2), key });
      }
    });
  }, 60_000);
});
