// The failure model: a handler that throws fails only its request; a core that dies (an
// uncaught error outside a handler, process.exit, running out of memory) is restarted on the
// same CPU, its in-flight requests reject with ERR_CORELANE_CORE_RESTARTED, what it had not
// consumed is handled by the new core, and the other core keeps its state; past the restart
// limit the runtime fails loudly; a loop that stops turning is reported stuck.
import { partition } from '@corelane/router';
import { describe, expect, it } from 'vitest';
import { type RestartEvent, Runtime, type StuckEvent } from '../dist/index.js';
import { Gate, LAB, nextEvent, type Report, sleep, withLab } from './helpers/lab.js';

/** Keys owned by `core` among `cores`. */
function keysOf(core: number, cores: number, count: number): string[] {
  const keys: string[] = [];
  for (let i = 0; keys.length < count; i++) if (partition(`key-${i}`, cores) === core) keys.push(`key-${i}`);
  return keys;
}

/** Sends `count` per-key-ordered 'rec' messages over `keys`, starting each key at `from[key]`. */
function sendRecs(rt: Runtime, keys: string[], count: number, next: Map<string, number>): void {
  for (let i = 0; i < count; i++) {
    const key = keys[i % keys.length] as string;
    const ks = next.get(key) ?? 0;
    next.set(key, ks + 1);
    rt.send(key, { op: 'rec', seq: i, ks });
  }
}

describe('handler errors', () => {
  it('a throwing or rejecting handler fails only its request, with name, message and code', async () => {
    await withLab({ cores: 2 }, async (rt) => {
      const error = await rt.request('k', { op: 'throw' }).catch((e: unknown) => e);
      expect(error).toMatchObject({
        name: 'RangeError',
        message: 'refused k',
        code: 'E_REFUSED',
        core: partition('k', 2),
      });
      const rejected = await rt.request('k', { op: 'reject' }).catch((e: unknown) => e);
      expect(rejected).toMatchObject({ name: 'TypeError', message: 'async refusal' });
      const system = await rt.request('k', { op: 'throw-system' }).catch((e: unknown) => e);
      expect(system).toMatchObject({ code: 'ENOSPC', errno: -28, syscall: 'write' });
      // Still running, nothing restarted.
      expect(await rt.request('k', { op: 'echo', v: 42 })).toBe(42);
      const reported = nextEvent<{ core: number; error: Error }>(rt, 'handlerError');
      rt.send('k', { op: 'throw' });
      expect((await reported).error.message).toBe('refused k');
      // A core publishes its counters once per loop turn, after the event went out: wait for the
      // turn (bounded), then the count must be exactly the one fire-and-forget failure.
      const owner = partition('k', 2);
      for (let i = 0; i < 200 && (rt.stats().cores[owner]?.handlerErrors ?? 0) === 0; i++) await sleep(10);
      const stats = rt.stats();
      expect(stats.cores.map((c) => c.restarts)).toEqual([0, 0]);
      expect(stats.cores[owner]?.handlerErrors).toBe(1);
    });
  }, 30_000);
});

describe('a core that dies is restarted', () => {
  for (const how of ['exit', 'oom', 'uncaught'] as const) {
    it(`${how}: restarted on the same CPU; in-flight requests rejected; unconsumed messages handled; the other core untouched`, async () => {
      const gate = new Gate();
      const options = { cores: 2, restart: 3, resourceLimits: { maxOldGenerationSizeMb: 48 }, data: gate.data() };
      await withLab(options, async (rt) => {
        const victim = 1;
        const other = 0;
        const otherKeys = keysOf(other, 2, 10);
        const victimKeys = keysOf(victim, 2, 10);
        const otherNext = new Map<string, number>();
        sendRecs(rt, otherKeys, 500, otherNext);
        const before = (await rt.requestTo(other, { op: 'report' })) as Report;
        expect(before.received).toBe(500);

        const restarted = nextEvent<RestartEvent>(rt, 'restart');
        const inFlight = rt.requestTo(victim, { op: 'sleep', ms: 60_000 }).catch((e: unknown) => e);
        const victimNext = new Map<string, number>();
        if (how === 'uncaught') {
          // Dies between turns (a timer's uncaught error), not inside a handler; the timer holds
          // at the gate first, so the records sent now are still in its ring when it dies.
          expect(await rt.requestTo(victim, { op: 'die', how, gated: true })).toBe('dying');
          await gate.arrived();
          sendRecs(rt, victimKeys, 300, victimNext);
          gate.open();
        } else {
          rt.sendTo(victim, { op: 'die', how });
          // Queued behind the message that kills the core: the new core must handle all of these.
          sendRecs(rt, victimKeys, 300, victimNext);
        }
        const event = await restarted;
        expect(event).toMatchObject({ core: victim, cpu: rt.cpus[victim], restarts: 1 });
        expect(await inFlight).toMatchObject({ code: 'ERR_CORELANE_CORE_RESTARTED' });

        const after = (await rt.requestTo(victim, { op: 'report' })) as Report;
        expect(after).toMatchObject({ received: 300, outOfOrder: 0, wrongCore: 0 });
        // The other core kept its state and keeps working.
        sendRecs(rt, otherKeys, 100, otherNext);
        expect(await rt.requestTo(other, { op: 'report' })).toMatchObject({ received: 600, outOfOrder: 0 });
        expect(await rt.requestTo(victim, { op: 'ctx' })).toEqual({ core: victim, cores: 2, restarts: 1 });
        // Pinned again, to the same CPU: the new thread's affinity, as the OS reports it.
        expect(await rt.requestTo(victim, { op: 'affinity' })).toEqual([rt.cpus[victim]]);
        const stats = rt.stats();
        expect(stats.cores[victim]?.restarts).toBe(1);
        expect(stats.cores[other]?.restarts).toBe(0);
      });
    }, 60_000);
  }

  it('a reply the core published before it died is delivered, not rejected', async () => {
    await withLab({ cores: 2, restart: { max: 100, windowMs: 60_000 }, replySpinMs: 0 }, async (rt) => {
      for (let round = 1; round <= 12; round++) {
        const restarted = nextEvent<RestartEvent>(rt, 'restart');
        const reply = rt.requestTo(1, { op: 'reply-then-exit' }).catch((e: unknown) => e);
        await null; // the request's flush (a microtask) publishes it
        // Block this thread while the core answers and ends, so the reply is still in the ring
        // when the worker's exit is handled.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
        expect(await reply).toBe('answered');
        expect((await restarted).restarts).toBe(round);
      }
    });
  }, 60_000);

  it('a core-to-core request in flight to a core that dies rejects with ERR_CORELANE_CORE_RESTARTED', async () => {
    await withLab({ cores: 2, restart: 3 }, async (rt) => {
      const key = keysOf(1, 2, 1)[0] as string;
      // core 0 asks core 1 (owner of `key`) for something slow; then core 1 dies.
      const asked = rt.requestTo(0, { op: 'ask-slow', key }).catch((e: unknown) => e);
      // Only once core 1 has taken core 0's request is it in flight when core 1 dies.
      for (let i = 0; i < 2000 && (rt.stats().cores[1]?.requests ?? 0) < 1; i++) await sleep(5);
      expect(rt.stats().cores[1]?.requests).toBe(1);
      const restarted = nextEvent<RestartEvent>(rt, 'restart');
      rt.sendTo(1, { op: 'die', how: 'exit' });
      await restarted;
      expect(await asked).toMatchObject({ code: 'ERR_CORELANE_CORE_RESTARTED' });
    });
  }, 60_000);

  it('past the restart limit the runtime fails loudly: an error event, then every call throws', async () => {
    const rt = await Runtime.start({ module: LAB, cores: 2, restart: { max: 1, windowMs: 60_000 } });
    try {
      const first = nextEvent<RestartEvent>(rt, 'restart');
      rt.sendTo(1, { op: 'die', how: 'exit' });
      await first;
      const failed = nextEvent<Error>(rt, 'error');
      const pending = rt.requestTo(0, { op: 'sleep', ms: 60_000 }).catch((e: unknown) => e);
      rt.sendTo(1, { op: 'die', how: 'exit' });
      expect(await failed).toMatchObject({ code: 'ERR_CORELANE_CORE_FAILED' });
      expect(await pending).toMatchObject({ code: 'ERR_CORELANE_CORE_FAILED' });
      expect(() => rt.send('k', 1)).toThrow(expect.objectContaining({ code: 'ERR_CORELANE_CORE_FAILED' }));
    } finally {
      await rt.stop();
    }
  }, 60_000);

  it('a core whose init throws fails start() with ERR_CORELANE_CORE_FAILED', async () => {
    await expect(Runtime.start({ module: LAB, cores: 2, data: { failInit: true } })).rejects.toMatchObject({
      code: 'ERR_CORELANE_CORE_FAILED',
    });
  }, 30_000);
});

describe('heartbeat', () => {
  it('a loop that stops turning is reported stuck, then unstuck when it turns again', async () => {
    const gate = new Gate();
    await withLab({ cores: 2, heartbeatMs: 50, data: gate.data() }, async (rt) => {
      const stuck = nextEvent<StuckEvent>(rt, 'stuck');
      // Core 1's loop stops at the gate until the report was seen, however long that takes.
      const held = rt.requestTo(1, { op: 'hold' });
      expect(await stuck).toMatchObject({ core: 1 });
      expect(rt.stats().cores[1]?.stuck).toBe(true);
      expect(rt.stats().cores[0]?.stuck).toBe(false);
      const unstuck = nextEvent<StuckEvent>(rt, 'unstuck');
      gate.open();
      expect(await held).toBe(1);
      await unstuck;
      expect(rt.stats().cores[1]?.stuck).toBe(false);
    });
  }, 30_000);
});

describe('a core that dies while the runtime stops', () => {
  it('in its onStop: stop() rejects with ERR_CORELANE_CORE_FAILED naming it (not a silent wait for the stop deadline)', async () => {
    const rt = await Runtime.start({ module: LAB, cores: 2, data: { exitInStop: 1 } });
    expect(await rt.request('k', { op: 'echo', v: 1 })).toBe(1);
    const error = await rt.stop().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'ERR_CORELANE_CORE_FAILED' });
    expect((error as Error).message).toMatch(/core 1 .*exit code 5/);
    // Stopped all the same: later calls throw CLOSED, stop() stays settled the same way.
    expect(() => rt.send('k', { op: 'echo', v: 2 })).toThrow(expect.objectContaining({ code: 'ERR_CORELANE_CLOSED' }));
    await expect(rt.stop()).rejects.toBe(error);
  }, 60_000);

  it('while it drains what was sent before stop(): stop() rejects, saying messages were lost', async () => {
    const gate = new Gate();
    const rt = await Runtime.start({ module: LAB, cores: 2, data: gate.data() });
    const victim = 1;
    const [key] = keysOf(victim, 2, 1) as [string];
    // The victim holds at the gate until stop() has begun (stop() marks the runtime stopping
    // before it returns), then reaches the 'die'; what follows the 'die' in its ring is never handled.
    rt.send(key, { op: 'hold' });
    rt.send(key, { op: 'die', how: 'exit' });
    sendRecs(rt, [key], 100, new Map());
    await gate.arrived();
    const stopped = rt.stop().then(
      () => null,
      (e: unknown) => e,
    );
    gate.open();
    const error = await stopped;
    expect(error).toMatchObject({ code: 'ERR_CORELANE_CORE_FAILED' });
    expect((error as Error).message).toMatch(/core 1 died while the runtime stopped.*not handled/);
  }, 60_000);
});
