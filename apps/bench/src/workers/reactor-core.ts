/**
 * The core module of the reactor suite (dist/workers/reactor-core.js), loaded by every core of
 * the runtimes the suite starts. Keyed messages are counted (aggregation) or ignored (no-op
 * sends); keyless requests are the suite's controls. Under the 'raw' codec a keyless request
 * is a barrier: it is answered after everything sent to this core before it.
 */
import { defineCore, type Key } from '@corelane/reactor';

interface Op {
  op: 'reset' | 'generate' | 'mark' | 'total' | 'ping' | 'pingpong';
  n?: number;
  keys?: string[];
  to?: number;
  marks?: number;
}

const counts = new Map<Key, number>();
let keys: string[] = [];
let marks = 0;
let waiting: { marks: number; resolve: (total: number) => void } | null = null;

function total(): number {
  let sum = 0;
  for (const n of counts.values()) sum += n;
  return sum;
}

function checkTotal(): void {
  if (waiting !== null && marks >= waiting.marks) {
    waiting.resolve(total());
    waiting = null;
  }
}

const BARRIER = new Uint8Array([1]);
/** Events generated per loop pass. */
const CHUNK = 2048;

export default defineCore({
  onMessage(ctx, key, value) {
    if (value instanceof Uint8Array) return key === undefined ? BARRIER : undefined; // 'raw': no-op sends
    if (key !== undefined) {
      // An event: its key alone (no value crosses the ring, nothing to decode).
      counts.set(key, (counts.get(key) ?? 0) + 1);
      return undefined;
    }
    const m = value as Op;
    switch (m.op) {
      case 'reset':
        counts.clear();
        marks = 0;
        keys = m.keys ?? keys;
        return ctx.core;
      case 'generate': {
        // Events keyed over `keys`: counted here when this core owns the key, else routed to
        // the owner through the mesh. In chunks, one per loop pass (a timer of 0 ms), so this
        // core keeps draining what the other cores route to it meanwhile. Then a mark to every
        // other core: it arrives after all of this core's events (per-ring order), so a core
        // has them all once it has every mark.
        const n = m.n as number;
        return (async () => {
          for (let from = 0; from < n; from += CHUNK) {
            const to = Math.min(n, from + CHUNK);
            for (let i = from; i < to; i++) {
              const k = keys[(i * 31 + ctx.core * 17) % keys.length] as string;
              if (ctx.owner(k) === ctx.core) counts.set(k, (counts.get(k) ?? 0) + 1);
              else ctx.send(k, undefined);
            }
            await new Promise<void>((resolve) => ctx.timers.after(0, resolve));
          }
          for (let c = 0; c < ctx.cores; c++) if (c !== ctx.core) ctx.sendTo(c, { op: 'mark' });
          return n;
        })();
      }
      case 'mark':
        marks++;
        checkTotal();
        return undefined;
      case 'total':
        return new Promise<number>((resolve) => {
          waiting = { marks: m.marks as number, resolve };
          checkTotal();
        });
      case 'ping':
        return ctx.core;
      case 'pingpong': {
        // Core-to-core request round trips through the mesh, timed one by one here.
        return (async () => {
          const n = m.n as number;
          const times = new Float64Array(n);
          for (let i = 0; i < n; i++) {
            const t = performance.now();
            await ctx.requestTo(m.to as number, { op: 'ping' });
            times[i] = (performance.now() - t) * 1e6;
          }
          times.sort();
          return { median: times[n >> 1], p99: times[Math.floor(n * 0.99)] };
        })();
      }
      default:
        return undefined;
    }
  },
});
