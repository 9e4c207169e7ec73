// A core that answers with who it is and what it got; counts per key in its own state.
import { defineCore } from '../../dist/index.js';

const counts = new Map();

export default defineCore({
  init(ctx) {
    ctx.started = Date.now();
  },
  onMessage(ctx, key, value) {
    if (value?.op === 'add') {
      counts.set(key, (counts.get(key) ?? 0) + value.n);
      return undefined;
    }
    if (value?.op === 'get') return counts.get(key) ?? 0;
    if (value?.op === 'throw') {
      const error = new RangeError(`bad ${key}`);
      error.code = 'E_BAD';
      throw error;
    }
    if (value?.op === 'async') return new Promise((resolve) => setTimeout(() => resolve({ core: ctx.core, late: true }), 5));
    return { core: ctx.core, cores: ctx.cores, cpu: ctx.cpu, key, value };
  },
});
