// 'raw' values through small rings that wrap thousands of times, the lengths varying so that
// values of other lengths and offsets land where earlier ones were (the reused views of
// codec/value-views.ts): every core sees exactly the bytes sent, by count and checksum.
import { partition } from '@corelane/router';
import { describe, expect, it } from 'vitest';
import { Runtime } from '../dist/index.js';

const MESSAGES = 60_000;

describe("'raw' codec", () => {
  it('every value reaches its handler byte for byte, through wrapping rings', async () => {
    const rt = await Runtime.start({
      module: new URL('./cores/raw-sum.mjs', import.meta.url),
      cores: 2,
      codec: 'raw',
      ring: 4096,
    });
    try {
      const count = [0, 0];
      const checksum = [0, 0];
      for (let seq = 0; seq < MESSAGES; seq++) {
        const key = `k${seq % 97}`;
        // Lengths 0..37, so records of every size follow each other around the ring.
        const bytes = new Uint8Array((seq * 7) % 38);
        for (let i = 0; i < bytes.length; i++) bytes[i] = (seq + i * 13) & 0xff;
        const core = partition(key, 2);
        let sum = checksum[core] as number;
        for (let i = 0; i < bytes.length; i++) sum = (Math.imul(sum, 31) + (bytes[i] as number) + i) | 0;
        checksum[core] = (sum + bytes.length) | 0;
        count[core] = (count[core] as number) + 1;
        rt.send(key, bytes);
        // Let the cores drain now and then (the main thread waits for room under 'block' anyway).
        if (seq % 5000 === 4999) await new Promise((resolve) => setImmediate(resolve));
      }
      for (const core of [0, 1]) {
        const reply = (await rt.requestTo(core, new Uint8Array(0))) as Uint8Array;
        const words = new Uint32Array(reply.slice().buffer);
        expect([words[0], words[1]]).toEqual([count[core], (checksum[core] as number) >>> 0]);
      }
    } finally {
      await rt.stop();
    }
  });
});
