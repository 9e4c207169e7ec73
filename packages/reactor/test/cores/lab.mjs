// The core module most tests run: each `op` is one behaviour a test checks from outside.
// Every check a core makes is counted and reported back (never thrown), so a test sees all of it.
import { writeFileSync } from 'node:fs';
import { threadAffinity } from '@corelane/affinity';
import { defineCore } from '../../dist/index.js';

/** Per-key records: the next expected sequence number, and how many arrived out of order. */
const keys = new Map();
let received = 0;
let checksum = 0;
let wrongCore = 0;
let outOfOrder = 0;
/** Mesh traffic: per source core, the next expected seq. */
const fromCore = new Map();
let meshReceived = 0;
let meshChecksum = 0;
/** An order-independent sum of the same records (arrivals from several cores interleave). */
let meshSum = 0;
let meshOutOfOrder = 0;
const timerLog = [];

/** A Map key for any router key (byte keys arrive as a fresh copy each time). */
function id(key) {
  return key instanceof Uint8Array ? `bytes:${key.join(',')}` : `${typeof key}:${String(key)}`;
}

/**
 * Waits at the test's gate (`ctx.data.gate`, a SharedArrayBuffer of two int32 words: [0] open,
 * [1] arrivals): counts the arrival, then blocks this thread until the main thread opens it, so
 * a test knows this core is stopped at a known point rather than guessing it from a spin time.
 * Bounded: a gate never opened lets the core go after 30 s (the test has failed by then).
 */
function waitAtGate(data) {
  const gate = new Int32Array(data.gate);
  Atomics.add(gate, 1, 1);
  Atomics.notify(gate, 1);
  Atomics.wait(gate, 0, 0, 30_000);
}

function mix(sum, x) {
  return (Math.imul(sum ^ x, 0x9e3779b1) + 0x7f4a7c15) | 0;
}

export default defineCore({
  init(ctx) {
    if (ctx.data?.failInit) throw new Error('init refused');
  },
  onStop(ctx) {
    if (ctx.data?.exitInStop === ctx.core) process.exit(5);
    if (ctx.data?.stopFile) writeFileSync(`${ctx.data.stopFile}.${ctx.core}`, JSON.stringify({ received, checksum }));
  },
  onMessage(ctx, key, value) {
    switch (value?.op) {
      case 'rec': {
        // value: { op, seq, ks } — ks is the key's own sequence number (0, 1, 2, …)
        received++;
        checksum = (checksum + value.seq * 31 + value.ks) % 2147483647;
        if (ctx.owner(key) !== ctx.core) wrongCore++;
        const next = keys.get(id(key)) ?? 0;
        if (value.ks !== next) outOfOrder++;
        keys.set(id(key), value.ks + 1);
        return undefined;
      }
      case 'report':
        return { core: ctx.core, received, checksum, wrongCore, outOfOrder, keys: keys.size };
      case 'blast': {
        // Sends value.n records to every core (itself included), interleaved.
        for (let seq = 0; seq < value.n; seq++) {
          for (let to = 0; to < ctx.cores; to++)
            ctx.sendTo(to, { op: 'mesh', from: ctx.core, seq, x: (seq * 7 + ctx.core) | 0 });
        }
        return value.n * ctx.cores;
      }
      case 'flood': {
        for (let seq = 0; seq < value.n; seq++)
          ctx.sendTo(value.to, { op: 'mesh', from: ctx.core, seq, x: (seq * 7 + ctx.core) | 0 });
        return value.n;
      }
      case 'mesh': {
        meshReceived++;
        meshChecksum = mix(meshChecksum, value.x + value.from * 1000003);
        meshSum = (meshSum + value.x + value.from * 1000003) % 2147483647;
        const next = fromCore.get(value.from) ?? 0;
        if (value.seq !== next) meshOutOfOrder++;
        fromCore.set(value.from, value.seq + 1);
        return undefined;
      }
      case 'meshReport':
        return {
          core: ctx.core,
          meshReceived,
          meshChecksum,
          meshSum,
          meshOutOfOrder,
          fromCore: Object.fromEntries(fromCore),
        };
      case 'ask':
        // A core-to-core request through the mesh.
        return ctx.request(value.key, { op: 'who' });
      case 'ask-slow':
        return ctx.request(value.key, { op: 'sleep', ms: 60_000 });
      case 'affinity':
        // What the OS says this thread may run on (the pin), not what the plan says.
        return threadAffinity();
      case 'who':
        return { core: ctx.core, key };
      case 'sleep':
        return new Promise((resolve) => setTimeout(() => resolve(ctx.core), value.ms));
      case 'throw': {
        const error = new RangeError(`refused ${String(key)}`);
        error.code = 'E_REFUSED';
        throw error;
      }
      case 'throw-system': {
        // A system error as fs or uring throw it: code, errno and syscall.
        const error = new Error('ENOSPC: no space left on device, write');
        Object.assign(error, { code: 'ENOSPC', errno: -28, syscall: 'write' });
        throw error;
      }
      case 'reject':
        return Promise.reject(new TypeError('async refusal'));
      case 'reply-then-exit':
        // The reply is published in this pass's flush; the 0 ms timer runs right after it, in
        // the same pass (timers phase): the thread ends before the main thread can read it.
        ctx.timers.after(0, () => process.exit(7));
        return 'answered';
      case 'die':
        if (value.how === 'uncaught')
          setTimeout(() => {
            // Held at the gate first, so what the test sends meanwhile is still unconsumed at the death.
            if (value.gated) waitAtGate(ctx.data);
            throw new Error('uncaught outside a handler');
          }, 0);
        else if (value.how === 'exit') process.exit(7);
        else if (value.how === 'oom') {
          const hog = [];
          for (;;) hog.push(new Array(1e6).fill(hog.length));
        } else if (value.how === 'inside') throw new Error('a handler error is not a death');
        return 'dying';
      case 'hold':
        // The loop stops turning until the test opens the gate.
        waitAtGate(ctx.data);
        return ctx.core;
      case 'spin': {
        const until = Date.now() + value.ms;
        while (Date.now() < until) {}
        return ctx.core;
      }
      case 'timers': {
        // Schedules one-shots at the given delays, one cancelled, and an interval; reports the order.
        timerLog.length = 0;
        const ids = value.delays.map((d, i) => ctx.timers.after(d, () => timerLog.push(i)));
        ctx.timers.cancel(ids[value.cancel]);
        let ticks = 0;
        const every = ctx.timers.every(2, () => {
          ticks++;
          if (ticks === 3) ctx.timers.cancel(every);
        });
        return new Promise((resolve) => {
          // The report waits for the interval's third tick: a starved core may turn too rarely for
          // three 2 ms ticks within the last one-shot's delay (missed runs are skipped, not made
          // up). Then one more timer, so a fourth tick or a timer left behind would show.
          const report = () => {
            if (ticks < 3) ctx.timers.after(5, report);
            else ctx.timers.after(10, () => resolve({ order: [...timerLog], ticks, size: ctx.timers.size }));
          };
          ctx.timers.after(Math.max(...value.delays) + 20, report);
        });
      }
      case 'listen':
        return ctx
          .listen({ port: value.port, host: '127.0.0.1' }, (socket) => socket.end(`core ${ctx.core}\n`))
          .then((server) => server.address().port);
      case 'io':
        // Reads this module's own first bytes through the core's io ring.
        return (async () => {
          const fd = await ctx.io.open(new URL(import.meta.url), 'r');
          const buffer = new Uint8Array(64);
          const bytes = await ctx.io.read(fd, buffer, 0);
          await (ctx.io.closeFile ? ctx.io.closeFile(fd) : ctx.io.close(fd));
          return { backend: ctx.io.backend, bytes };
        })();
      case 'ctx':
        return { core: ctx.core, cores: ctx.cores, restarts: ctx.restarts };
      case 'echo':
        return value.v;
      default:
        return { core: ctx.core, key, value };
    }
  },
});
