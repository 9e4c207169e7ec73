// A closing side publishes what it wrote, then marks its role closed (side.ts: flush, then the
// role exchange, both seq-cst). A wait of the peer that checks "ready?" just before the publish
// and "closed?" just after the role exchange must look again, or it reports "closed and empty"
// with the last records still in the ring (seen in the router bench: 45 of 40,000 records left
// unread by a consumer whose waitReadable() said false). Checked on the sleep protocol itself
// (that interleaving, made deterministic), and across threads: a producer that writes a few
// records and closes, over and over, against a consumer that naps or parks until it is told
// the producer is gone, and must have read every record by then.
import { describe, expect, it } from 'vitest';
import { allocateByteRing } from '../src/index.js';
import { Word } from '../src/layout.js';
import { SleepProtocol } from '../src/sleep.js';
import { jsSide } from './helpers/pair.js';

describe('a wait that sees its peer closed looks at the ring once more', () => {
  /** ready() says no the first time and yes after: the peer's publish landed between the two checks. */
  function closingPeer(): { ready: () => boolean; stop: () => boolean } {
    let calls = 0;
    return { ready: () => calls++ > 0, stop: () => true };
  }

  it.each([0, 5])('sleepSync with napMs %d', (napMs) => {
    const words = new Int32Array(new SharedArrayBuffer(512));
    const sleep = new SleepProtocol(words, false, Word.PRODUCER_ROLE, napMs);
    const { ready, stop } = closingPeer();
    expect(sleep.sleepSync(ready, stop, 1_000)).toBe(true);
  });

  it('sleepAsync', async () => {
    const words = new Int32Array(new SharedArrayBuffer(512));
    const sleep = new SleepProtocol(words, false, Word.PRODUCER_ROLE);
    const { ready, stop } = closingPeer();
    expect(await sleep.sleepAsync(ready, stop, 1_000)).toBe(true);
  });

  it.each([
    ['napping', 0.05],
    ['parking', 0],
  ])('across threads, a %s consumer reads every record of producers that write a few and close', async (_, napMs) => {
    for (let round = 0; round < 20; round++) {
      const ring = allocateByteRing({ capacity: 4096 });
      const count = 1 + (round % 7) * 9; // fewer than publishEvery: only close() publishes the last ones
      const [p, c] = await Promise.all([
        jsSide(ring, 'byte', 'producer', { count, timeoutMs: 20_000, wait: 'park', maxLength: 40, publishEvery: 64 }),
        jsSide(ring, 'byte', 'consumer', {
          count: count + 1, // never reached: the consumer reads until its wait says the producer is gone
          timeoutMs: 20_000,
          wait: 'park',
          maxLength: 40,
          napMs,
          untilClosed: true,
        }),
      ]);
      expect(c.errors).toBe(0);
      expect(c.count).toBe(p.count);
      expect(c.checksum).toBe(p.checksum);
    }
  });
});
