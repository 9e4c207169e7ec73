// A core with durable state whose state proves order and exactly-once: `h` folds every value in
// commit order, `vals` lists them, `core` is what apply saw as ctx.core (the ctx reaches apply).
import { defineCore } from '../../../dist/index.js';

export default defineCore({
  state: {
    init: () => ({ n: 0, sum: 0, h: 0, core: -1, vals: [] }),
    apply(state, record, ctx) {
      state.n++;
      state.sum += record.v;
      state.h = (Math.imul(state.h, 31) + record.v) >>> 0;
      state.core = ctx.core;
      state.vals.push(record.v);
    },
    snapshot: (state) => new TextEncoder().encode(JSON.stringify(state)),
    restore: (bytes) => JSON.parse(new TextDecoder().decode(bytes)),
  },
  async onMessage(ctx, _key, msg) {
    switch (msg.op) {
      case 'add':
        // `pad` makes records bigger, so a few hundred fill more than one small segment.
        await ctx.commit(msg.pad === undefined ? { v: msg.v } : { v: msg.v, pad: msg.pad });
        return { core: ctx.core, v: msg.v };
      case 'add-unawaited': {
        // Not awaited: the reply still waits until the record is durable (the core's reply
        // barrier), but the state read here does not show it yet (applied only once durable).
        ctx.commit({ v: msg.v }).catch(() => {});
        return { n: ctx.state.n };
      }
      case 'get': {
        const { n, sum, h, core, vals } = ctx.state;
        return { n, sum, h, core, vals, restarts: ctx.restarts };
      }
      case 'die':
        process.exit(1);
        break;
      default:
        throw new Error(`unknown op ${msg.op}`);
    }
  },
});
