// ValueViews (the reused views 'raw' hands handlers): whatever starts and lengths come, in any
// order and over several data regions, each view is exactly data[start..end) of its region.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValueViews } from '../src/codec/value-views.js';

describe('value views', () => {
  it('every view is exactly data[start..end) of its own region, reused or not', () => {
    const regions = [0, 1].map((r) => {
      const buffer = new SharedArrayBuffer(4096 + 512);
      const data = new Uint8Array(buffer, 512, 4096);
      for (let i = 0; i < data.length; i++) data[i] = (i * 31 + r * 7) & 0xff;
      return data;
    });
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            region: fc.integer({ min: 0, max: 1 }),
            // Starts packed into few 8-byte slots: the same slot with another start or length.
            start: fc.integer({ min: 0, max: 64 }),
            length: fc.integer({ min: 0, max: 40 }),
          }),
          { minLength: 1, maxLength: 200 },
        ),
        (reads) => {
          const views = new ValueViews();
          for (const { region, start, length } of reads) {
            const data = regions[region] as Uint8Array;
            const view = views.at(data, start, start + length);
            expect(view.buffer).toBe(data.buffer);
            expect(view.byteOffset).toBe(data.byteOffset + start);
            expect(view.length).toBe(length);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('hands the same view again for a value of the same place and length (no allocation)', () => {
    const data = new Uint8Array(new SharedArrayBuffer(1024));
    const views = new ValueViews();
    const first = views.at(data, 20, 36);
    expect(views.at(data, 20, 36)).toBe(first);
    expect(views.at(data, 21, 37)).not.toBe(first);
  });

  it('keeps no view per position for data regions past 1 MiB (the bound of the shared ViewCache)', () => {
    // One cached view per 8 bytes of a 2^30-byte ring would be an array of 2^27 entries and a
    // view object per position a varying stream touches: regions past the bound get fresh views.
    const big = new Uint8Array(new SharedArrayBuffer(2 ** 20 + 8));
    const views = new ValueViews();
    const first = views.at(big, 64, 80);
    const again = views.at(big, 64, 80);
    expect(again).not.toBe(first);
    expect(again.byteOffset).toBe(64);
    expect(again.length).toBe(16);
    // A region at the bound still reuses its views.
    const small = new Uint8Array(new SharedArrayBuffer(2 ** 20));
    expect(views.at(small, 64, 80)).toBe(views.at(small, 64, 80));
  });
});
