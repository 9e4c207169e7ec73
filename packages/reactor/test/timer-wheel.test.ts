// The timer wheel against a model (a sorted list): random schedules, cancels and advances,
// including long delays that cross every level and jumps far past many rotations.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LEVELS, TimerWheel } from '../src/timers/timer-wheel.js';
import { CoreTimers } from '../src/timers/timers.js';

type Op = { kind: 'schedule'; delay: number } | { kind: 'cancel'; pick: number } | { kind: 'advance'; by: number };

/** The model: every live timer with its due time; fires in (due, scheduling order). */
class Model {
  now: number;
  live: { id: number; due: number; seq: number }[] = [];
  #seq = 0;
  constructor(now: number) {
    this.now = now;
  }
  schedule(id: number, due: number): void {
    // Overdue timers fire at the next advance, in scheduling order, before any later one.
    this.live.push({ id, due: Math.max(Math.ceil(due), this.now), seq: this.#seq++ });
  }
  cancel(id: number): boolean {
    const i = this.live.findIndex((t) => t.id === id);
    if (i < 0) return false;
    this.live.splice(i, 1);
    return true;
  }
  advance(to: number): number[] {
    this.now = Math.max(this.now, Math.floor(to));
    const due = this.live.filter((t) => t.due <= this.now).sort((a, b) => a.due - b.due || a.seq - b.seq);
    this.live = this.live.filter((t) => t.due > this.now);
    return due.map((t) => t.id);
  }
}

// Delays from 0 to beyond level 3 (64^3 ms), with weight on the boundaries between levels.
const delay = fc.oneof(
  fc.integer({ min: 0, max: 70 }),
  fc.integer({ min: 60, max: 4200 }),
  fc.integer({ min: 4000, max: 300_000 }),
  fc.integer({ min: 250_000, max: 20_000_000 }),
  fc.constantFrom(63, 64, 65, 4095, 4096, 4097, 262_143, 262_144, 262_145),
);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: delay.map((d) => ({ kind: 'schedule' as const, delay: d })) },
  { weight: 2, arbitrary: fc.nat().map((pick) => ({ kind: 'cancel' as const, pick })) },
  {
    weight: 4,
    arbitrary: fc
      .oneof(
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 30_000_000 }),
      )
      .map((by) => ({ kind: 'advance' as const, by })),
  },
);

describe('TimerWheel', () => {
  it('fires exactly what the model fires, in the same order (schedule, cancel, advance)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.array(op, { maxLength: 200 }), (start, ops) => {
        const wheel = new TimerWheel<number>(start);
        const model = new Model(start);
        const ids: number[] = [];
        let now = start;
        for (const o of ops) {
          if (o.kind === 'schedule') {
            const id = wheel.schedule(now + o.delay, 0);
            model.schedule(id, now + o.delay);
            ids.push(id);
          } else if (o.kind === 'cancel') {
            if (ids.length === 0) continue;
            const id = ids[o.pick % ids.length] as number;
            expect(wheel.cancel(id)).toBe(model.cancel(id));
          } else {
            now += o.by;
            const fired: number[] = [];
            wheel.advance(now, (_v, id) => fired.push(id));
            expect(fired).toEqual(model.advance(now));
          }
          expect(wheel.size).toBe(model.live.length);
        }
        // Finally run everything out: nothing is lost, whatever level it waits on.
        const fired: number[] = [];
        wheel.advance(now + 64 ** LEVELS * 2, (_v, id) => fired.push(id));
        expect(fired).toEqual(model.advance(now + 64 ** LEVELS * 2));
        expect(wheel.size).toBe(0);
      }),
      { numRuns: 1000 },
    );
  });

  it('nextEventAt() is never later than the next due timer', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 }),
        fc.array(delay, { minLength: 1, maxLength: 50 }),
        (start, delays) => {
          const wheel = new TimerWheel<number>(start);
          for (const d of delays) wheel.schedule(start + d, d);
          let now = start;
          let left = delays.length;
          while (left > 0) {
            const at = wheel.nextEventAt();
            expect(at).toBeGreaterThanOrEqual(now);
            const earliest = Math.min(...delays.filter((d) => start + Math.max(d, 0) > now).map((d) => start + d));
            if (Number.isFinite(earliest)) expect(at).toBeLessThanOrEqual(Math.max(earliest, now));
            now = Math.max(at, now + 1);
            left -= wheel.advance(now, () => {});
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('timers beyond the horizon wait in the far list and still fire on time', () => {
    const wheel = new TimerWheel<string>(5);
    const far = 64 ** LEVELS + 12_345;
    wheel.schedule(far, 'far');
    wheel.schedule(100, 'near');
    const fired: string[] = [];
    wheel.advance(far - 1, (v) => fired.push(v));
    expect(fired).toEqual(['near']);
    wheel.advance(far, (v) => fired.push(v));
    expect(fired).toEqual(['near', 'far']);
  });
});

describe('CoreTimers', () => {
  it('after(0) fires at the next timers phase, not at the next whole millisecond', () => {
    let clock = 1000.5;
    const timers = new CoreTimers(
      () => clock,
      (error) => {
        throw error;
      },
    );
    const fired: string[] = [];
    timers.after(1, () => fired.push('after 1'));
    timers.after(0, () => fired.push('after 0 (a)'));
    timers.after(0, () => fired.push('after 0 (b)'));
    expect(timers.run(clock)).toBe(2);
    expect(fired).toEqual(['after 0 (a)', 'after 0 (b)']);
    clock = 1001.4; // 0.9 ms later: the 1 ms timer is not due yet (never early)
    expect(timers.run(clock)).toBe(0);
    clock = 1002.1;
    expect(timers.run(clock)).toBe(1);
    expect(fired).toEqual(['after 0 (a)', 'after 0 (b)', 'after 1']);
    expect(timers.size).toBe(0);
  });
});
